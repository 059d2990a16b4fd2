#!/usr/bin/python3
"""Validates Kubernetes manifests offline against the Kubernetes API schema (issue 14), strictly: unknown fields,
wrong types, missing required fields and malformed quantities are errors, as the API server's strict field
validation makes them. No cluster and no network: the schema is k8s-definitions.json beside this file, the
definitions of the kinds we ship (and everything they reference) cut from Kubernetes' own OpenAPI v2 document.

  validate_manifests.py FILE...          one line per error (FILE: Kind/name: path: what); exit 1 on any
  validate_manifests.py --self-test FILE  known-bad edits of FILE's first Deployment/DaemonSet must each be refused
  validate_manifests.py --trim SWAGGER SOURCE
                                          rewrites k8s-definitions.json from a full swagger.json (kubernetes
                                          api/openapi-spec/swagger.json, or kubernetes-client/python's
                                          kubernetes/swagger.json.unprocessed), keeping KINDS and their references

Needs Debian's /usr/bin/python3 with python3-yaml and python3-jsonschema.
"""
import copy, json, os, re, sys
import yaml, jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
DEFINITIONS = os.path.join(HERE, "k8s-definitions.json")
KINDS = ["io.k8s.api.core.v1.ConfigMap", "io.k8s.api.core.v1.Secret", "io.k8s.api.core.v1.Service",
         "io.k8s.api.core.v1.Namespace", "io.k8s.api.apps.v1.Deployment", "io.k8s.api.apps.v1.DaemonSet"]
# The API server's resource.Quantity grammar (k8s.io/apimachinery/pkg/api/resource): a number and a suffix.
QUANTITY = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$"


def trim(swagger_path, source):
    swagger = json.load(open(swagger_path))
    defs, keep, todo = swagger["definitions"], {}, list(KINDS)
    while todo:
        name = todo.pop()
        if name in keep: continue
        d = keep[name] = strip(defs[name])
        todo += re.findall(r'"#/definitions/([^"]+)"', json.dumps(d))
    out = {"x-source": f"{source}: the definitions of {', '.join(KINDS)} and what they reference, without "
                       "descriptions (tests/kubernetes/validate_manifests.py --trim)", "definitions": dict(sorted(keep.items()))}
    with open(DEFINITIONS, "w") as f: json.dump(out, f, indent=0, sort_keys=True); f.write("\n")
    print(f"{DEFINITIONS}: {len(keep)} definitions")


def strip(node):
    if isinstance(node, dict): return {k: strip(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list): return [strip(v) for v in node]
    return node


def load_schema():
    defs = copy.deepcopy(json.load(open(DEFINITIONS))["definitions"])
    kinds = {}
    for name, d in defs.items():
        # Strict: what the API would drop or refuse as an unknown field is an error here.
        if "properties" in d and not d.get("x-kubernetes-preserve-unknown-fields"):
            d["additionalProperties"] = False
        for gvk in d.get("x-kubernetes-group-version-kind", []):
            api = gvk["version"] if not gvk["group"] else f"{gvk['group']}/{gvk['version']}"
            kinds[(api, gvk["kind"])] = name
    # Two JSON types the v2 document calls "string" but the API accepts as either.
    defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    defs["io.k8s.apimachinery.pkg.api.resource.Quantity"] = {
        "anyOf": [{"type": "string", "pattern": QUANTITY}, {"type": "number"}]}
    return defs, kinds


def errors_of(doc, defs, kinds):
    if not isinstance(doc, dict): return ["not a mapping"]
    name = kinds.get((doc.get("apiVersion"), doc.get("kind")))
    if name is None: return [f"unknown apiVersion/kind {doc.get('apiVersion')}/{doc.get('kind')} (known: "
                             f"{', '.join(sorted(f'{a}/{k}' for a, k in kinds))})"]
    validator = jsonschema.Draft4Validator({"$ref": f"#/definitions/{name}", "definitions": defs})
    out = []
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        # anyOf/oneOf errors: name the deepest cause.
        while e.context: e = min(e.context, key=lambda c: -len(c.absolute_path))
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path).lstrip(".") or "(top)"
        out.append(f"{path}: {e.message}")
    return out


def validate_file(path, defs, kinds):
    problems, count = [], 0
    try:
        docs = [d for d in yaml.safe_load_all(open(path)) if d is not None]
    except yaml.YAMLError as e:
        return [f"{path}: not YAML: {e}".replace("\n", " ")], 0
    for doc in docs:
        count += 1
        what = f"{doc.get('kind', '?')}/{(doc.get('metadata') or {}).get('name', '?')}" if isinstance(doc, dict) else "?"
        problems += [f"{path}: {what}: {m}" for m in errors_of(doc, defs, kinds)]
    return problems, count


def self_test(path, defs, kinds):
    """Each edit is one a reviewer could make by mistake; the validator must refuse every one."""
    docs = [d for d in yaml.safe_load_all(open(path)) if d is not None]
    workload = next(d for d in docs if d.get("kind") in ("Deployment", "DaemonSet"))
    if errors_of(workload, defs, kinds): sys.exit(f"{path}: the unedited {workload['kind']} is not valid")
    c = lambda d: d["spec"]["template"]["spec"]["containers"][0]
    edits = {
        "an unknown field (a typo: capabilites)": (lambda d: c(d)["securityContext"].update(capabilites={"add": ["SYS_NICE"]}), "capabilites"),
        "a wrong type (containerPort as a string)": (lambda d: c(d)["ports"][0].update(containerPort="5556"), "containerPort"),
        "a required field missing (the container's name)": (lambda d: c(d).pop("name"), "'name' is a required property"),
        "a malformed quantity (cpu: 2 cores)": (lambda d: c(d)["resources"]["limits"].update(cpu="2 cores"), "2 cores"),
        "an unknown kind version (apps/v1beta9)": (lambda d: d.update(apiVersion="apps/v1beta9"), "unknown apiVersion/kind"),
    }
    failed = 0
    for what, (edit, expect) in edits.items():
        d = copy.deepcopy(workload); edit(d)
        errs = errors_of(d, defs, kinds)
        ok = any(expect in e for e in errs)
        print(f"{'refused' if ok else 'ACCEPTED'}: {what}: {errs[0] if errs else 'no error'}")
        failed += not ok
    return failed


def main(argv):
    if len(argv) == 3 and argv[0] == "--trim": return trim(argv[1], argv[2])
    defs, kinds = load_schema()
    if len(argv) == 2 and argv[0] == "--self-test": return 1 if self_test(argv[1], defs, kinds) else 0
    if not argv or argv[0].startswith("-"): print(__doc__, file=sys.stderr); return 2
    problems, docs = [], 0
    for path in argv:
        p, n = validate_file(path, defs, kinds); problems += p; docs += n
    for p in problems: print(p)
    print(f"validate_manifests: {docs} objects in {len(argv)} files, {len(problems)} errors "
          f"(schema: {json.load(open(DEFINITIONS))['x-source'].split(':')[0]})", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
