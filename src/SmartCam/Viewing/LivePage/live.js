// SmartCam live page. One WebSocket per tab carries everything (pictures, detections, events,
// status): a browser allows only 6 connections per host, so many open tabs must not each hold several.
'use strict';

(function () {
  const MAX_EVENTS = 200;
  const MAX_BACKOFF_MS = 10000;
  // Latency rows in pipeline order; stages the server adds later follow these.
  const STAGES = ['wait', 'capture', 'pre', 'infer', 'post', 'publish', 'capture_to_publish', 'capture_to_output'];

  const params = new URLSearchParams(location.search);
  const token = params.get('token'); // carried onto every request the page makes

  let el = null;                // the page's elements, once the DOM is there
  let camera = params.get('camera') || null;
  let ws = null;                // the one socket; a replaced socket's handlers see ws !== socket and do nothing
  let backoffMs = 1000;
  let retryTimer = 0;
  let generation = 0;           // +1 per camera switch: a frame of the previous camera is never drawn
  let scene = { zones: [], lines: [], outputs: [] };
  let labels = [];              // the model's labels (from the hello): the rule editor's choices
  let events = [];              // oldest first, as the server sends them
  let outputLevels = {};
  let pendingFrame = null;      // a frame header waiting for the JPEG that follows it
  let latestFrame = null;       // newest complete frame not drawn yet; a newer one replaces it (drops the older)
  let drawing = false;
  let framesDrawn = 0;
  let statusSeen = 0;

  /** A same-origin URL for path (relative to the page, so a path prefix of a proxy still works), with the token. */
  function pageUrl(path, extra) {
    const url = new URL(path, location.href);
    for (const [k, v] of Object.entries(extra || {})) url.searchParams.set(k, v);
    if (token !== null) url.searchParams.set('token', token);
    return url;
  }

  function start() {
    const $ = (id) => document.getElementById(id);
    el = {
      title: $('title'), conn: $('conn'), choice: $('camera-choice'), select: $('camera-select'),
      canvas: $('view'), noPicture: $('no-picture'),
      state: $('st-state'), mode: $('st-mode'), fps: $('st-fps'), processed: $('st-processed'), dropped: $('st-dropped'), frame: $('st-frame'),
      latency: document.querySelector('#latency tbody'), outputs: $('outputs'),
      eventList: $('event-list'), drawn: $('drawn'), events: $('events'),
      editToggle: $('edit-toggle'), layer: $('editor-layer'), editor: $('editor'), tools: $('ed-tools'), hint: $('ed-hint'),
      cursor: $('ed-cursor'), zones: $('ed-zones'), lines: $('ed-lines'), rules: $('ed-rules'), yaml: $('ed-yaml'), message: $('ed-message'),
    };
    el.select.addEventListener('change', () => switchCamera(el.select.value));
    startEditor();
    setTitle();
    chooseCamera();
  }

  // ---- cameras -------------------------------------------------------------------------------

  async function listCameras() {
    try {
      const response = await fetch(pageUrl('api/cameras'), { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const body = await response.json();
      return Array.isArray(body.cameras) ? body.cameras.map(String) : [];
    } catch (e) {
      console.warn('GET api/cameras failed:', e);
      return null;
    }
  }

  /** The camera list fills the selector; ?camera= wins, else the first camera listed. */
  async function chooseCamera() {
    const cameras = await listCameras();
    if (cameras) fillSelector(cameras);
    if (!camera && cameras && cameras.length > 0) camera = cameras[0];
    if (camera) {
      setTitle();
      connect();
      return;
    }
    setConn('closed', (cameras ? 'no cameras' : 'cannot list cameras') + ', retrying in ' + backoffMs / 1000 + ' s');
    retryTimer = setTimeout(chooseCamera, nextBackoff());
  }

  function fillSelector(cameras) {
    const ids = camera && !cameras.includes(camera) ? [camera, ...cameras] : cameras;
    el.select.replaceChildren(...ids.map((id) => new Option(id, id, false, id === (camera || ids[0]))));
    el.choice.hidden = ids.length < 2; // a selector only when there is a choice
  }

  function switchCamera(id) {
    if (!id || id === camera) return;
    closeEditor(); // the editor holds one camera's scene
    camera = id;
    // Keep the choice in the address (a reload stays on it); the token stays there too.
    const address = new URL(location.href);
    address.searchParams.set('camera', id);
    history.replaceState(null, '', address);
    const old = ws;
    ws = null; // first, so that the old socket's close does not schedule a reconnect
    if (old) old.close(1000, 'camera switch');
    generation++;
    pendingFrame = latestFrame = null;
    resetView();
    backoffMs = 1000;
    connect();
  }

  // ---- the socket ----------------------------------------------------------------------------

  function nextBackoff() {
    const wait = backoffMs;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS); // 1, 2, 4, 8, 10, 10 ... s
    return wait;
  }

  function connect() {
    clearTimeout(retryTimer);
    const http = pageUrl('api/live', { camera });
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + http.host + http.pathname + http.search;
    pendingFrame = null;
    setConn('connecting', 'connecting…');
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (e) {
      console.warn('WebSocket failed:', e);
      scheduleReconnect();
      return;
    }
    socket.binaryType = 'arraybuffer';
    ws = socket;
    socket.onopen = () => { if (ws === socket) setConn('open', 'connected'); };
    socket.onmessage = (e) => { if (ws === socket) onMessage(e.data); };
    // An error is always followed by close, which does the work.
    socket.onclose = () => {
      if (ws !== socket) return; // replaced on purpose
      ws = null;
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    const wait = nextBackoff();
    setConn('closed', 'disconnected, retrying in ' + wait / 1000 + ' s');
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, wait);
  }

  function onMessage(data) {
    if (typeof data !== 'string') {
      // Binary: the JPEG of the frame header that came just before it (never one on its own).
      if (!pendingFrame) return;
      latestFrame = { ...pendingFrame, jpeg: new Blob([data], { type: 'image/jpeg' }) };
      pendingFrame = null;
      if (!drawing) drawLoop();
      return;
    }
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      console.warn('not JSON:', data.slice(0, 200));
      return;
    }
    switch (msg.kind) {
      case 'hello': onHello(msg); break;
      case 'frame': pendingFrame = { seq: msg.seq, det: msg.det ?? null, generation }; break;
      case 'evt':
        if (!msg.msg) break;
        addEvent(msg.msg, true);
        if (msg.msg.type === 'config') onConfigEvent(msg.msg);
        break;
      case 'status': onStatus(msg.msg); break;
      default: break; // kinds added later are ignored
    }
  }

  function onHello(msg) {
    backoffMs = 1000; // the server is really there: the next failure starts the backoff again
    setConn('open', 'live');
    if (msg.camera) camera = String(msg.camera);
    setTitle();
    scene = msg.scene || {};
    labels = Array.isArray(msg.labels) ? msg.labels.map(String) : [];
    outputLevels = {};
    renderOutputs();
    // A reconnect gets the recent events again, so they replace the list rather than add to it.
    events = [];
    el.eventList.replaceChildren();
    for (const evt of (msg.events || []).slice(-MAX_EVENTS)) addEvent(evt, false);
    publishEvents();
    refreshThumbnails();
  }

  // ---- pictures ------------------------------------------------------------------------------

  /** Draws the newest frame; frames that arrive while one is being decoded replace each other, so only the latest is drawn. */
  async function drawLoop() {
    drawing = true;
    try {
      while (latestFrame) {
        const frame = latestFrame;
        latestFrame = null;
        let bitmap;
        try {
          bitmap = await createImageBitmap(frame.jpeg);
        } catch (e) {
          console.warn('frame', frame.seq, 'is not a picture:', e);
          continue;
        }
        try {
          if (frame.generation === generation) render(frame, bitmap);
        } finally {
          bitmap.close();
        }
      }
    } finally {
      drawing = false;
    }
  }

  function render(frame, bitmap) {
    const canvas = el.canvas;
    const ctx = canvas.getContext('2d');
    // The canvas has the picture's own size (CSS scales it to the window); resizing clears it, so only on a change.
    if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
    }
    ctx.drawImage(bitmap, 0, 0);
    const w = canvas.width, h = canvas.height;
    const style = styleFor(canvas);
    if (!ed) drawScene(ctx, w, h, style); // in edit mode the editor's layer shows the scene being edited instead

    // Boxes only from the detections of this very frame: a box must never sit on another picture.
    const det = frame.det && frame.det.seq === frame.seq ? frame.det : null;
    if (frame.det && !det) console.warn('frame', frame.seq, 'came with the detections of', frame.det.seq, ': no boxes drawn');
    const detections = det && Array.isArray(det.detections) ? det.detections : [];
    // Boxes are in source pixels; the JPEG may have been scaled.
    const sx = det && det.width ? w / det.width : 1;
    const sy = det && det.height ? h / det.height : 1;
    for (const d of detections) drawBox(ctx, d, sx, sy, style);

    framesDrawn++;
    el.noPicture.hidden = true;
    el.frame.textContent = '#' + frame.seq + (det ? ', ' + detections.length + ' det' + (det.model ? ', ' + det.model : '') : '');
    el.drawn.textContent = JSON.stringify({
      seq: frame.seq, width: w, height: h,
      zones: (scene.zones || []).map((z) => z.name), lines: (scene.lines || []).map((l) => l.name),
      boxes: detections.map((d) => ({ track_id: d.track_id ?? null, label: d.label ?? null, score: d.score ?? null, box: d.box })),
    });
    document.body.dataset.framesDrawn = String(framesDrawn);
    if (ed && (el.layer.width !== w || el.layer.height !== h)) drawEditor();
  }

  /** Sizes in canvas px that keep text and lines about one size on the screen, whatever the picture's size and the window's. */
  function styleFor(canvas) {
    // scale: CSS px per canvas px; text never under 10 canvas px, which a small picture blown up would make unreadable.
    const w = canvas.width, h = canvas.height;
    const scale = canvas.clientWidth > 0 && canvas.clientHeight > 0 ? Math.min(canvas.clientWidth / w, canvas.clientHeight / h) : 1;
    return { font: Math.max(10, Math.round(15 / scale)), line: Math.max(1, 2 / scale), scale };
  }

  function drawScene(ctx, w, h, style) {
    const toCanvas = (points) => (points || []).map(([x, y]) => [x * w, y * h]); // scene points are normalised 0..1
    ctx.lineWidth = style.line;
    ctx.setLineDash([]);
    for (const zone of scene.zones || []) {
      const pts = toCanvas(zone.points);
      if (pts.length < 3) continue;
      path(ctx, pts, true);
      ctx.fillStyle = 'rgba(56, 189, 248, 0.18)';
      ctx.fill();
      ctx.strokeStyle = 'rgba(56, 189, 248, 0.9)';
      ctx.stroke();
      const top = pts.reduce((a, b) => (b[1] < a[1] ? b : a)); // name at the top corner, clear of the objects inside
      tag(ctx, zone.name, top[0], top[1], 'rgba(14, 116, 144, 0.85)', style);
    }
    for (const line of scene.lines || []) {
      const pts = toCanvas(line.points);
      if (pts.length < 2) continue;
      path(ctx, pts, false);
      ctx.strokeStyle = 'rgba(250, 204, 21, 0.95)';
      ctx.lineWidth = style.line * 1.5;
      ctx.stroke();
      ctx.lineWidth = style.line;
      tag(ctx, line.name, (pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2, 'rgba(161, 98, 7, 0.85)', style);
    }
  }

  function drawBox(ctx, d, sx, sy, style) {
    if (!Array.isArray(d.box) || d.box.length !== 4) return;
    const [x1, y1, x2, y2] = d.box;
    const tracked = typeof d.track_id === 'number' && d.track_id > 0;
    // A confirmed track keeps its colour from frame to frame; an unconfirmed or untracked object is grey and dashed.
    const colour = tracked ? 'hsl(' + ((d.track_id * 47) % 360) + ', 85%, 55%)' : 'rgb(203, 213, 225)';
    ctx.strokeStyle = colour;
    ctx.lineWidth = style.line;
    ctx.setLineDash(tracked ? [] : [style.line * 3, style.line * 2]);
    ctx.strokeRect(x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy);
    ctx.setLineDash([]);
    const score = typeof d.score === 'number' ? d.score.toFixed(2) : '';
    // "<label> #<track_id> <score>"; no number for an object without a confirmed track (absent, 0 or -1).
    const text = [d.label ?? ('class ' + d.cls), tracked ? '#' + d.track_id : '', score].filter(Boolean).join(' ');
    tag(ctx, text, x1 * sx, y1 * sy, colour, style, true);
  }

  function path(ctx, pts, closed) {
    ctx.beginPath();
    pts.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    if (closed) ctx.closePath();
  }

  /** A text on a filled background just above (x, y), or just below when there is no room above. */
  function tag(ctx, text, x, y, background, style, darkText) {
    if (!text) return;
    ctx.font = '600 ' + style.font + 'px system-ui, sans-serif';
    const pad = Math.round(style.font / 4);
    const tw = ctx.measureText(text).width + 2 * pad, th = style.font + 2 * pad;
    const left = Math.max(0, Math.min(x, ctx.canvas.width - tw));
    const top = y - th >= 0 ? y - th : y;
    ctx.fillStyle = background;
    ctx.fillRect(left, top, tw, th);
    ctx.fillStyle = darkText ? '#0b0f14' : '#f8fafc';
    ctx.textBaseline = 'top';
    ctx.fillText(text, left + pad, top + pad);
  }

  // ---- events --------------------------------------------------------------------------------

  /** live: the event fired just now (one without a time of its own shows the arrival time). */
  function addEvent(evt, live) {
    events.push(evt);
    if (events.length > MAX_EVENTS) events.shift();
    el.eventList.prepend(eventItem(evt, live)); // newest on top
    if (live) refreshThumbnails();
    while (el.eventList.childElementCount > MAX_EVENTS) el.eventList.lastElementChild.remove();
    // Output writes show on the badges at once, not a second later with the next status.
    if (evt.output && (evt.level === 'high' || evt.level === 'low')) {
      outputLevels[evt.output] = evt.level;
      renderOutputs();
    }
    publishEvents();
  }

  function publishEvents() {
    el.events.textContent = JSON.stringify(events);
  }

  function eventItem(evt, live) {
    const li = document.createElement('li');
    li.className = 'evt evt-' + String(evt.type || 'unknown').replace(/[^a-z0-9_-]/gi, '');
    const details = [
      evt.zone != null && 'zone ' + evt.zone,
      evt.line != null && 'line ' + evt.line + (evt.direction ? ' (' + evt.direction + ')' : ''),
      evt.rule != null && 'rule ' + evt.rule,
      evt.output != null && evt.output + (evt.level ? ' → ' + evt.level : ''),
      evt.track_id != null && '#' + evt.track_id,
      evt.label,
    ].filter(Boolean).join(' · ');
    li.append(span('time', formatTime(evt.time, live)), span('type', evt.type || '?'), span('details', details));
    if (evt.id != null) li.dataset.id = String(evt.id);
    return li;
  }

  // ---- snapshots: a thumbnail beside each event that has one (GET api/events) ------------------

  let thumbnailTimer = null;
  let thumbnailRetries = 0;

  /** Soon after events arrive, asks which have snapshots (sc-snapshot writes them a moment after the event), once more later. */
  function refreshThumbnails() {
    thumbnailRetries = 2;
    if (thumbnailTimer === null) thumbnailTimer = setTimeout(loadThumbnails, 500);
  }

  async function loadThumbnails() {
    thumbnailTimer = null;
    try {
      const response = await fetch(pageUrl('api/events', { camera: camera || '', limit: String(MAX_EVENTS) }), { cache: 'no-store' });
      if (response.ok) for (const e of await response.json()) if (e.snapshot && e.id != null) addThumbnail(String(e.id), String(e.snapshot));
    } catch (e) {
      console.warn('GET api/events failed:', e);
    }
    if (--thumbnailRetries > 0 && thumbnailTimer === null) thumbnailTimer = setTimeout(loadThumbnails, 3000);
  }

  function addThumbnail(id, snapshot) {
    const li = Array.from(el.eventList.children).find((item) => item.dataset.id === id);
    if (!li || li.querySelector('img.thumb')) return;
    const url = pageUrl(snapshot.replace(/^\/+/, '')); // relative to the page, with the token, like the page's other URLs
    const a = document.createElement('a');
    a.href = url;
    a.target = '_blank';
    const img = document.createElement('img');
    img.className = 'thumb';
    img.alt = 'snapshot';
    img.loading = 'lazy';
    img.src = url;
    a.append(img);
    li.append(a);
  }

  function span(cls, text) {
    const s = document.createElement('span');
    s.className = cls;
    s.textContent = text; // text, never HTML: names come from the config
    return s;
  }

  /** The event's own time in local time; a live event without one shows when it arrived, an older one nothing. */
  function formatTime(time, live) {
    if (!time && !live) return '';
    const t = time ? new Date(time) : new Date();
    if (isNaN(t)) return String(time);
    const two = (n) => String(n).padStart(2, '0');
    return two(t.getHours()) + ':' + two(t.getMinutes()) + ':' + two(t.getSeconds()) + '.' + String(t.getMilliseconds()).padStart(3, '0');
  }

  // ---- status --------------------------------------------------------------------------------

  function onStatus(status) {
    statusSeen++;
    document.body.dataset.statusSeen = String(statusSeen);
    if (!status) return;
    el.state.textContent = status.state ?? '–';
    el.state.className = 'state-' + String(status.state || '').replace(/[^a-z]/gi, '');
    // What a V4L2 camera negotiated (format, size, rate); other sources have nothing to show here.
    el.mode.textContent = status.camera_mode ?? '–';
    el.fps.textContent = typeof status.fps === 'number' ? status.fps.toFixed(1) : (status.fps ?? '–');
    el.processed.textContent = status.processed ?? '–';
    el.dropped.textContent = status.dropped ?? '–';
    renderLatency(status.latency_us || {});
    if (status.outputs && typeof status.outputs === 'object') {
      Object.assign(outputLevels, status.outputs);
      renderOutputs();
    }
  }

  function renderLatency(latency) {
    const names = [...STAGES.filter((s) => s in latency), ...Object.keys(latency).filter((s) => !STAGES.includes(s))];
    const ms = (us) => (typeof us === 'number' ? (us / 1000).toFixed(us < 10000 ? 2 : 1) : '–');
    el.latency.replaceChildren(...names.map((name) => {
      const row = document.createElement('tr');
      const p = latency[name] || {};
      for (const text of [name.replace(/_to_/g, '→'), ms(p.p50), ms(p.p99), ms(p.max)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }));
  }

  function renderOutputs() {
    // Outputs of the scene show from the start (level unknown until the first status or write).
    const names = [...new Set([...(scene.outputs || []), ...Object.keys(outputLevels)])];
    if (names.length === 0) {
      el.outputs.replaceChildren(span('none', 'none'));
      return;
    }
    el.outputs.replaceChildren(...names.map((name) => {
      const level = outputLevels[name];
      const badge = span('badge ' + (level === 'high' ? 'high' : level === 'low' ? 'low' : 'unknown'), name);
      badge.title = name + ': ' + (level || 'unknown');
      return badge;
    }));
  }

  // ---- the scene editor ----------------------------------------------------------------------
  // Edit mode works on a copy of the camera's scene as GET api/cameras/ID/scene gives it (the YAML's own names and
  // shapes), drawn on a transparent layer over the picture, and PUTs zones, lines and rules back with the ETag it read.
  // The server checks the result with the config loader itself: the page checks only what it must to build it.

  const SNAP_PX = 8;  // a point this close to an edge of the picture (screen px) goes onto the edge
  const HIT_PX = 10;  // how close the pointer must be to a point to grab it, or to the first point to close a zone
  const NAME = /^[A-Za-z0-9_-]{1,64}$/; // zone, line and rule names, as the loader wants them
  const YAML_WORDS = ['true', 'false', 'yes', 'no', 'on', 'off', 'null', 'y', 'n'];
  const HINTS = {
    zone: 'Click to add corners; click the first corner or double-click to close. Esc cancels.',
    line: 'Click the two ends. "in" is crossing from the left to the right of the first end to the second.',
    select: 'Drag a corner or an end to move it, or inside a zone / on a line to move all of it.',
  };

  // null outside edit mode; else { etag, zones, lines, rules, outputs, tool, draft, hover, selected, drag, dirty, busy, config }
  let ed = null;

  function startEditor() {
    el.editToggle.addEventListener('click', () => (ed ? closeEditor(true) : openEditor()));
    for (const button of el.tools.querySelectorAll('[data-tool]')) button.addEventListener('click', () => setTool(button.dataset.tool));
    document.getElementById('ed-delete').addEventListener('click', deleteSelected);
    document.getElementById('ed-add-rule').addEventListener('click', addRule);
    document.getElementById('ed-apply').addEventListener('click', applyScene);
    document.getElementById('ed-reload').addEventListener('click', () => openEditor());
    // Pointer events: mouse, touch and pen alike. touch-action: none (CSS) keeps a finger's drag from scrolling the page.
    el.layer.addEventListener('pointerdown', onPointerDown);
    el.layer.addEventListener('pointermove', onPointerMove);
    el.layer.addEventListener('pointerup', endDrag);
    el.layer.addEventListener('pointercancel', endDrag);
    el.layer.addEventListener('pointerleave', () => { if (ed) { ed.hover = null; drawEditor(); } });
    el.layer.addEventListener('dblclick', () => { if (ed && ed.tool === 'zone' && ed.draft.length >= 3) finishZone(); });
    document.addEventListener('keydown', onKey);
  }

  /** Reads the camera's scene (again: "Reload scene" drops what was not applied) and shows the editor on it. */
  async function openEditor() {
    if (!camera) return;
    const which = camera;
    say('', 'reading the scene…');
    let response, text;
    try {
      response = await fetch(pageUrl('api/cameras/' + encodeURIComponent(which) + '/scene'), { cache: 'no-store' });
      text = await response.text();
    } catch (e) {
      say('error', 'cannot read the scene: ' + e.message);
      return;
    }
    if (which !== camera) return; // switched meanwhile
    if (!response.ok) {
      el.editor.hidden = false;
      say('error', text.trim() || 'HTTP ' + response.status);
      return;
    }
    const got = JSON.parse(text);
    ed = {
      etag: response.headers.get('ETag'), zones: got.zones || {}, lines: got.lines || {}, rules: got.rules || [],
      outputs: Object.keys(got.outputs || {}), tool: 'select', draft: [], hover: null, selected: null, drag: null, dirty: false, busy: false, config: null,
    };
    document.body.classList.add('editing');
    el.editor.hidden = false;
    el.layer.hidden = false;
    el.editToggle.setAttribute('aria-pressed', 'true');
    setTool('zone');
    renderEditor();
    say('', 'editing ' + which + ' (not applied until Apply)');
    document.body.dataset.editor = 'ready'; // for tests: the scene is loaded and the tools work
  }

  /** Leaves edit mode; asked (confirm) when changes were not applied, unless the page must leave it (camera switch). */
  function closeEditor(ask) {
    if (!ed) return;
    if (ask && ed.dirty && !confirm('Leave the editor? Changes not applied are lost.')) return;
    ed = null;
    document.body.classList.remove('editing');
    el.editor.hidden = true;
    el.layer.hidden = true;
    el.editToggle.setAttribute('aria-pressed', 'false');
    delete document.body.dataset.editor;
  }

  function setTool(tool) {
    if (!ed) return;
    ed.tool = tool;
    ed.draft = [];
    ed.hover = null;
    for (const button of el.tools.querySelectorAll('[data-tool]')) button.classList.toggle('active', button.dataset.tool === tool);
    el.layer.dataset.tool = tool; // the cursor (CSS)
    el.hint.textContent = HINTS[tool];
    drawEditor();
  }

  function changed() {
    ed.dirty = true;
    el.yaml.textContent = sceneYaml();
    drawEditor();
  }

  // ---- the editor: pointer and keys ----------------------------------------------------------

  /** The picture's place inside the layer's box in CSS px (object-fit: contain letterboxes it). */
  function pictureBox() {
    const r = el.layer.getBoundingClientRect();
    const scale = Math.min(r.width / el.layer.width, r.height / el.layer.height);
    const width = el.layer.width * scale, height = el.layer.height * scale;
    return { left: r.left + (r.width - width) / 2, top: r.top + (r.height - height) / 2, width, height };
  }

  /** The pointer as a scene point: normalised 0..1 as in the YAML, kept in the frame, onto an edge when near it, 3 decimals. */
  function pointOf(e) {
    const box = pictureBox();
    const along = (px, size) => {
      const v = Math.min(Math.max(px, 0), size);
      return round3((v < SNAP_PX ? 0 : v > size - SNAP_PX ? size : v) / size);
    };
    return [along(e.clientX - box.left, box.width), along(e.clientY - box.top, box.height)];
  }

  const round3 = (v) => Math.round(v * 1000) / 1000;

  /** Whether two scene points are within HIT_PX of each other on the screen. */
  function near(p, q) {
    const box = pictureBox();
    return Math.hypot((p[0] - q[0]) * box.width, (p[1] - q[1]) * box.height) <= HIT_PX;
  }

  function onPointerDown(e) {
    if (!ed || e.button > 0) return; // the main button, a finger or a pen tip
    e.preventDefault();
    const p = pointOf(e);
    if (ed.tool === 'zone') addZonePoint(p);
    else if (ed.tool === 'line') addLinePoint(p);
    else startDrag(e, p);
    drawEditor();
  }

  function addZonePoint(p) {
    const draft = ed.draft;
    // The first corner again closes the zone; so does the last one again (the second click of a double-click).
    if (draft.length >= 3 && (near(p, draft[0]) || near(p, draft[draft.length - 1]))) return finishZone();
    if (draft.length > 0 && near(p, draft[draft.length - 1])) return; // a double-click before there are 3 corners
    draft.push(p);
  }

  function finishZone() {
    const name = freeName('zone', ed.zones);
    ed.zones[name] = { polygon: ed.draft };
    ed.draft = [];
    ed.selected = { kind: 'zone', name };
    setTool('select');
    renderEditor();
    focusName('zone', name);
  }

  function addLinePoint(p) {
    if (ed.draft.length === 0) {
      ed.draft.push(p);
      return;
    }
    if (near(p, ed.draft[0])) return; // a line needs two different ends
    const name = freeName('line', ed.lines);
    ed.lines[name] = { points: [ed.draft[0], p] };
    ed.draft = [];
    ed.selected = { kind: 'line', name };
    setTool('select');
    renderEditor();
    focusName('line', name);
  }

  /** Grabs a corner or an end (index ≥ 0), else a whole zone or line (index -1), else nothing (and selects nothing). */
  function startDrag(e, p) {
    const hit = hitTest(p);
    ed.selected = hit && { kind: hit.kind, name: hit.name };
    if (hit) {
      ed.drag = { ...hit, from: p, start: pointsOf(hit.kind, hit.name).map((q) => q.slice()), pointer: e.pointerId };
      // Moves keep coming to the layer while the button is down, also outside it. A synthetic event's pointer cannot be captured.
      try { el.layer.setPointerCapture(e.pointerId); } catch (err) { /* not an active pointer */ }
    }
    renderEditor();
  }

  function hitTest(p) {
    const shapes = [
      ...Object.keys(ed.lines).map((name) => ({ kind: 'line', name })),
      ...Object.keys(ed.zones).map((name) => ({ kind: 'zone', name })),
    ];
    for (const s of shapes) {
      const index = pointsOf(s.kind, s.name).findIndex((q) => near(p, q));
      if (index >= 0) return { ...s, index };
    }
    for (const s of shapes) {
      const pts = pointsOf(s.kind, s.name);
      if (s.kind === 'zone' ? inside(p, pts) : nearSegment(p, pts[0], pts[1])) return { ...s, index: -1 };
    }
    return null;
  }

  function inside(p, pts) {
    let odd = false;
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const [xi, yi] = pts[i], [xj, yj] = pts[j];
      if ((yi > p[1]) !== (yj > p[1]) && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) odd = !odd;
    }
    return odd;
  }

  function nearSegment(p, a, b) {
    const box = pictureBox();
    const [px, py, ax, ay, bx, by] = [p[0], p[1], a[0], a[1], b[0], b[1]].map((v, i) => v * (i % 2 ? box.height : box.width));
    const length2 = (bx - ax) ** 2 + (by - ay) ** 2;
    const t = length2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length2)) : 0;
    return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay))) <= HIT_PX;
  }

  function onPointerMove(e) {
    if (!ed) return;
    const p = pointOf(e);
    el.cursor.textContent = 'x ' + p[0].toFixed(3) + ', y ' + p[1].toFixed(3); // as the YAML will have it
    if (ed.draft.length > 0) {
      ed.hover = p; // the next side follows the pointer
      drawEditor();
    }
    const drag = ed.drag;
    if (!drag || e.pointerId !== drag.pointer) return;
    const pts = pointsOf(drag.kind, drag.name);
    if (drag.index >= 0) {
      pts[drag.index] = p;
    } else {
      // The whole shape, by as much as the pointer moved, but never out of the frame.
      const xs = drag.start.map((q) => q[0]), ys = drag.start.map((q) => q[1]);
      const dx = Math.min(Math.max(p[0] - drag.from[0], -Math.min(...xs)), 1 - Math.max(...xs));
      const dy = Math.min(Math.max(p[1] - drag.from[1], -Math.min(...ys)), 1 - Math.max(...ys));
      drag.start.forEach((q, i) => { pts[i] = [round3(q[0] + dx), round3(q[1] + dy)]; });
    }
    changed();
  }

  function endDrag(e) {
    if (!ed || !ed.drag || e.pointerId !== ed.drag.pointer) return;
    ed.drag = null;
    renderEditor(); // a line's "in" note follows its ends
  }

  function onKey(e) {
    if (!ed) return;
    const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
    if (e.key === 'Escape' && ed.draft.length > 0) {
      ed.draft = [];
      ed.hover = null;
      drawEditor();
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && !typing && ed.selected) {
      e.preventDefault();
      deleteSelected();
    }
  }

  // ---- the editor: the scene -----------------------------------------------------------------

  function pointsOf(kind, name) {
    return kind === 'zone' ? ed.zones[name].polygon : ed.lines[name].points;
  }

  function freeName(stem, taken) {
    let i = 1;
    while ((stem + i) in taken) i++;
    return stem + i;
  }

  function deleteSelected() {
    if (!ed || !ed.selected) return;
    const { kind, name } = ed.selected;
    delete (kind === 'zone' ? ed.zones : ed.lines)[name];
    ed.selected = null;
    renderEditor();
    changed();
    // A rule on it stays as it is: Apply then gets the loader's error naming the rule, rather than a rule gone unseen.
  }

  /** A new name for a zone or line, carried into the rules that use it; the name's input is marked when it cannot be. */
  function rename(kind, from, input) {
    const map = kind === 'zone' ? ed.zones : ed.lines;
    const to = input.value.trim();
    const why = !NAME.test(to) ? '1-64 letters, digits, _ or -' : to !== from && to in map ? 'another ' + kind + ' has that name' : '';
    input.classList.toggle('invalid', why !== '');
    input.title = why;
    if (why || to === from) return;
    // Rebuilt rather than renamed in place, so that the key keeps its place in the YAML.
    const renamed = {};
    for (const [k, v] of Object.entries(map)) renamed[k === from ? to : k] = v;
    if (kind === 'zone') ed.zones = renamed;
    else ed.lines = renamed;
    for (const rule of ed.rules) if (rule.when && rule.when[kind] === from) rule.when[kind] = to;
    if (ed.selected && ed.selected.kind === kind && ed.selected.name === from) ed.selected.name = to;
    renderEditor();
    changed();
  }

  /** Which way "in" is for a line from a to b (y down): towards the right of a→b, as the loader's convention says. */
  function inArrow(a, b) {
    const nx = b[1] - a[1], ny = -(b[0] - a[0]); // a→b turned a quarter to the right, on the screen
    const sector = ((Math.round(Math.atan2(ny, nx) / (Math.PI / 4)) % 8) + 8) % 8;
    return { arrow: ['→', '↘', '↓', '↙', '←', '↖', '↑', '↗'][sector], nx, ny };
  }

  function addRule() {
    if (!ed) return;
    const zone = Object.keys(ed.zones)[0], line = Object.keys(ed.lines)[0];
    const when = { labels: labels.includes('person') ? ['person'] : [] };
    if (zone) when.zone = zone;
    else if (line) when.line = line;
    if (when.labels.length === 0) delete when.labels;
    const then = ed.outputs.length > 0 ? { output: ed.outputs[0], hold_ms: 1000 } : { hold_ms: 1000 };
    ed.rules.push({ name: freeName('rule', Object.fromEntries(ed.rules.map((r) => [r.name, r]))), when, then });
    renderEditor();
    changed();
  }

  // ---- the editor: the side panel ------------------------------------------------------------

  function renderEditor() {
    if (!ed) return;
    el.zones.replaceChildren(...Object.entries(ed.zones).map(([name, zone]) => {
      const row = shapeRow('zone', name);
      row.append(captioned('loiter s', numberInput('off', zone.loiter_s, (v) => setKey(zone, 'loiter_s', v), 'loiter_s: seconds in the zone before a loiter event; empty: off')));
      row.append(button('×', 'delete zone ' + name, () => { ed.selected = { kind: 'zone', name }; deleteSelected(); }));
      return row;
    }));
    el.lines.replaceChildren(...Object.entries(ed.lines).map(([name, line]) => {
      const row = shapeRow('line', name);
      const note = span('note', 'in ' + inArrow(line.points[0], line.points[1]).arrow);
      note.title = '"in" is crossing from the left to the right of the line as drawn from its first end to its second';
      row.append(note);
      row.append(button('⇄', 'swap the ends: "in" and "out" change places', () => { line.points.reverse(); renderEditor(); changed(); }));
      row.append(button('×', 'delete line ' + name, () => { ed.selected = { kind: 'line', name }; deleteSelected(); }));
      return row;
    }));
    el.rules.replaceChildren(...ed.rules.map(ruleForm));
    if (el.zones.childElementCount === 0) el.zones.append(span('none', 'none: pick Zone and draw on the picture'));
    if (el.lines.childElementCount === 0) el.lines.append(span('none', 'none: pick Line and click its two ends'));
    el.yaml.textContent = sceneYaml();
    drawEditor();
  }

  function shapeRow(kind, name) {
    const row = document.createElement('div');
    row.className = 'ed-row' + (ed.selected && ed.selected.kind === kind && ed.selected.name === name ? ' selected' : '');
    row.dataset[kind] = name;
    row.addEventListener('pointerdown', () => { ed.selected = { kind, name }; markSelected(); drawEditor(); });
    const input = textInput(name, kind + ' name');
    input.name = kind + '-name';
    input.addEventListener('change', () => rename(kind, name, input));
    row.append(input);
    return row;
  }

  function markSelected() {
    for (const row of el.editor.querySelectorAll('.ed-row')) {
      const s = ed.selected;
      row.classList.toggle('selected', !!s && row.dataset[s.kind] === s.name);
    }
  }

  function focusName(kind, name) {
    const input = el.editor.querySelector('.ed-row[data-' + kind + '="' + CSS.escape(name) + '"] input');
    if (input) {
      input.focus();
      input.select();
    }
  }

  /** A rule's form: every choice from what exists (the model's labels, the zones and lines, the outputs). */
  function ruleForm(rule) {
    const when = (rule.when = rule.when || {}), then = (rule.then = rule.then || {});
    const form = document.createElement('fieldset');
    form.className = 'ed-rule';
    const name = textInput(rule.name || '', 'rule name');
    name.addEventListener('change', () => {
      const ok = NAME.test(name.value.trim());
      name.classList.toggle('invalid', !ok);
      if (ok) { rule.name = name.value.trim(); changed(); }
    });
    const remove = button('×', 'delete rule ' + rule.name, () => { ed.rules.splice(ed.rules.indexOf(rule), 1); renderEditor(); changed(); });

    // Labels: the model's, plus any the rule has that the model does not (the server will name those); the rule's first,
    // so that they show without scrolling the list.
    const chosen = when.labels || [];
    const picks = select(true, [...new Set([...chosen, ...labels])].map((l) => [l, l, chosen.includes(l)]));
    picks.size = 4;
    picks.title = 'labels that count; none chosen: any label';
    picks.addEventListener('change', () => setKey(when, 'labels', [...picks.selectedOptions].map((o) => o.value), true));

    // Where: one list of zones and lines, as "zone:NAME" and "line:NAME".
    const where = select(false, [
      ...Object.keys(ed.zones).map((z) => ['zone:' + z, 'zone ' + z, when.zone === z]),
      ...Object.keys(ed.lines).map((l) => ['line:' + l, 'line ' + l, when.line === l]),
    ]);
    const current = when.zone != null ? 'zone:' + when.zone : when.line != null ? 'line:' + when.line : '';
    if (current && ![...where.options].some((o) => o.value === current)) where.prepend(new Option(current.replace(':', ' ') + ' (gone)', current, true, true));
    const direction = select(false, [['', 'either way', !when.direction], ['in', 'in', when.direction === 'in'], ['out', 'out', when.direction === 'out']]);
    direction.disabled = when.line == null;
    where.addEventListener('change', () => {
      const [kind, target] = [where.value.slice(0, 4), where.value.slice(5)];
      delete when.zone;
      delete when.line;
      when[kind] = target;
      if (kind === 'zone') delete when.direction;
      direction.disabled = kind !== 'line';
      if (direction.disabled) direction.value = '';
      changed();
    });
    direction.addEventListener('change', () => setKey(when, 'direction', direction.value));

    const output = select(false, [...new Set([...ed.outputs, ...(then.output ? [then.output] : [])])].map((o) => [o, o, then.output === o]));
    output.addEventListener('change', () => setKey(then, 'output', output.value));
    // hold_ms (on while the condition holds, and so long after) or pulse_ms (on for that long, once per firing).
    const pulse = then.pulse_ms != null;
    const action = select(false, [['hold_ms', 'hold ms', !pulse], ['pulse_ms', 'pulse ms', pulse]]);
    const ms = numberInput('ms', pulse ? then.pulse_ms : then.hold_ms, (v) => setKey(then, action.value, v));
    action.addEventListener('change', () => {
      const other = action.value === 'hold_ms' ? 'pulse_ms' : 'hold_ms';
      delete then[other];
      setKey(then, action.value, ms.value === '' ? undefined : Number(ms.value));
    });

    form.append(
      line2('name', name, remove),
      line2('labels', picks),
      line2('when', where, direction),
      line2('then', output, action, ms),
      line2('timing',
        captioned('cooldown ms', numberInput('0', then.cooldown_ms, (v) => setKey(then, 'cooldown_ms', v), 'cooldown_ms: at least this long between two firings')),
        captioned('min frames', numberInput('1', when.min_frames, (v) => setKey(when, 'min_frames', v), 'min_frames: frames the condition must hold first'))),
      line2('score', captioned('min score', numberInput('0', when.min_score, (v) => setKey(when, 'min_score', v), 'min_score: 0..1'))),
    );
    return form;
  }

  /** Sets a key, or takes it out when the value is empty (the loader's default then applies). */
  function setKey(object, key, value, list) {
    if (value === undefined || value === '' || (list && value.length === 0)) delete object[key];
    else object[key] = value;
    changed();
  }

  function line2(caption, ...controls) {
    const row = document.createElement('label');
    row.className = 'ed-field';
    row.append(span('caption', caption), ...controls);
    return row;
  }

  function captioned(caption, input) {
    const s = span('ed-num', caption);
    s.append(input);
    return s;
  }

  function textInput(value, label) {
    const input = document.createElement('input');
    input.type = 'text';
    input.value = value;
    input.spellcheck = false;
    input.setAttribute('aria-label', label);
    return input;
  }

  /** A number input; onValue gets the number, or undefined when emptied. */
  function numberInput(placeholder, value, onValue, title) {
    const input = document.createElement('input');
    input.type = 'number';
    input.min = '0';
    input.step = 'any';
    input.placeholder = placeholder;
    input.title = title || placeholder;
    input.value = value ?? '';
    input.addEventListener('change', () => onValue(input.value === '' ? undefined : Number(input.value)));
    return input;
  }

  /** options: [value, text, selected]. */
  function select(multiple, options) {
    const s = document.createElement('select');
    s.multiple = multiple;
    s.append(...options.map(([value, text, chosen]) => new Option(text, value, chosen, chosen)));
    return s;
  }

  function button(text, title, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.title = title;
    b.addEventListener('click', (e) => { e.stopPropagation(); onClick(); });
    return b;
  }

  // ---- the editor: drawing -------------------------------------------------------------------

  /** The scene being edited, on the layer over the picture (its own canvas: drawing never waits for the next frame). */
  function drawEditor() {
    const layer = el.layer;
    if (layer.width !== el.canvas.width || layer.height !== el.canvas.height) {
      layer.width = el.canvas.width;
      layer.height = el.canvas.height;
    }
    const ctx = layer.getContext('2d');
    ctx.clearRect(0, 0, layer.width, layer.height);
    if (!ed) return;
    const w = layer.width, h = layer.height, style = styleFor(layer);
    const px = (pts) => pts.map(([x, y]) => [x * w, y * h]);
    const handle = style.line * 3;
    const isSelected = (kind, name) => ed.selected && ed.selected.kind === kind && ed.selected.name === name;
    const handles = (pts, colour) => {
      ctx.fillStyle = colour;
      for (const [x, y] of pts) ctx.fillRect(x - handle, y - handle, 2 * handle, 2 * handle);
    };
    ctx.setLineDash([]);
    for (const [name, zone] of Object.entries(ed.zones)) {
      const pts = px(zone.polygon || []);
      if (pts.length < 3) continue;
      const chosen = isSelected('zone', name);
      path(ctx, pts, true);
      ctx.fillStyle = chosen ? 'rgba(56, 189, 248, 0.32)' : 'rgba(56, 189, 248, 0.18)';
      ctx.fill();
      ctx.lineWidth = style.line * (chosen ? 2 : 1);
      ctx.strokeStyle = 'rgba(56, 189, 248, 0.95)';
      ctx.stroke();
      handles(pts, chosen ? '#f8fafc' : 'rgba(56, 189, 248, 0.95)');
      const top = pts.reduce((a, b) => (b[1] < a[1] ? b : a));
      tag(ctx, name, top[0], top[1], 'rgba(14, 116, 144, 0.85)', style);
    }
    for (const [name, line] of Object.entries(ed.lines)) {
      const pts = px(line.points || []);
      if (pts.length < 2) continue;
      const chosen = isSelected('line', name);
      path(ctx, pts, false);
      ctx.lineWidth = style.line * (chosen ? 2.5 : 1.5);
      ctx.strokeStyle = 'rgba(250, 204, 21, 0.95)';
      ctx.stroke();
      handles(pts, chosen ? '#f8fafc' : 'rgba(250, 204, 21, 0.95)');
      // An arrow from the middle, the way "in" crosses; the name at the first end, which sets that way.
      const { nx, ny } = inArrow(line.points[0], line.points[1]);
      const length = Math.hypot(nx * w, ny * h) || 1, reach = style.font * 3;
      const mx = (pts[0][0] + pts[1][0]) / 2, my = (pts[0][1] + pts[1][1]) / 2;
      const ex = mx + (nx * w / length) * reach, ey = my + (ny * h / length) * reach;
      arrow(ctx, mx, my, ex, ey, style);
      tag(ctx, 'in', ex + (nx * w / length) * style.font * 0.5, ey + (ny * h / length) * style.font * 0.5, 'rgba(161, 98, 7, 0.85)', style);
      tag(ctx, name, pts[0][0], pts[0][1], 'rgba(161, 98, 7, 0.85)', style);
    }
    if (ed.draft.length > 0) {
      const pts = px(ed.draft);
      path(ctx, ed.hover ? [...pts, ...px([ed.hover])] : pts, false);
      ctx.lineWidth = style.line;
      ctx.setLineDash([style.line * 4, style.line * 3]);
      ctx.strokeStyle = '#f8fafc';
      ctx.stroke();
      ctx.setLineDash([]);
      handles(pts, '#f8fafc');
      // The first corner, ringed: clicking it closes the zone.
      ctx.beginPath();
      ctx.arc(pts[0][0], pts[0][1], handle * 2.5, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }

  function arrow(ctx, x1, y1, x2, y2, style) {
    const angle = Math.atan2(y2 - y1, x2 - x1), head = style.font * 0.6;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.lineTo(x2 - head * Math.cos(angle - 0.5), y2 - head * Math.sin(angle - 0.5));
    ctx.moveTo(x2, y2);
    ctx.lineTo(x2 - head * Math.cos(angle + 0.5), y2 - head * Math.sin(angle + 0.5));
    ctx.strokeStyle = 'rgba(250, 204, 21, 0.95)';
    ctx.lineWidth = style.line * 1.5;
    ctx.stroke();
  }

  // ---- the editor: YAML, apply ---------------------------------------------------------------

  /** zones, lines and rules as YAML, in the config file's own style (one flow mapping per zone, line and when/then). */
  function sceneYaml() {
    const mapping = (key, map) => {
      const names = Object.keys(map);
      return names.length === 0 ? key + ': {}' : key + ':\n' + names.map((n) => '  ' + yamlScalar(n) + ': ' + flow(map[n])).join('\n');
    };
    const rules = ed.rules.length === 0 ? 'rules: []' : 'rules:\n' + ed.rules.map((r) =>
      Object.entries(r).map(([k, v], i) => (i === 0 ? '  - ' : '    ') + yamlScalar(k) + ': ' + flow(v)).join('\n')).join('\n');
    return [mapping('zones', ed.zones), mapping('lines', ed.lines), rules].join('\n') + '\n';
  }

  function flow(v) {
    if (Array.isArray(v)) return '[' + v.map(flow).join(', ') + ']';
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      return entries.length === 0 ? '{}' : '{ ' + entries.map(([k, x]) => yamlScalar(k) + ': ' + flow(x)).join(', ') + ' }';
    }
    return typeof v === 'string' ? yamlScalar(v) : String(v);
  }

  /** A name as it is, anything that would read as something else than that string double-quoted (JSON's quoting is YAML's). */
  function yamlScalar(s) {
    return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s) && !YAML_WORDS.includes(s.toLowerCase()) ? s : JSON.stringify(s);
  }

  /** PUTs zones, lines and rules with the ETag read; the token only ever in the header (the server takes a write's from there only). */
  async function applyScene() {
    if (!ed || ed.busy) return;
    if (ed.draft.length > 0) {
      say('error', 'finish the zone or line being drawn first (Esc cancels it)');
      return;
    }
    const which = camera, mine = ed;
    mine.busy = true;
    mine.config = null;
    say('', 'applying…');
    const headers = { 'Content-Type': 'application/json', 'If-Match': mine.etag || '' };
    if (token !== null) headers.Authorization = 'Bearer ' + token;
    let response, text;
    try {
      response = await fetch(pageUrl('api/cameras/' + encodeURIComponent(which) + '/scene'), {
        method: 'PUT', headers, cache: 'no-store', body: JSON.stringify({ zones: mine.zones, lines: mine.lines, rules: mine.rules }),
      });
      text = await response.text();
    } catch (e) {
      text = null;
      say('error', 'cannot reach the box: ' + e.message);
    } finally {
      mine.busy = false;
    }
    if (text === null || ed !== mine) return;
    if (!response.ok) {
      // The server's one line as it is: the loader's error (400), a restart-only change (422), the file changed (409).
      const line = text.trim() || 'HTTP ' + response.status;
      say('error', response.status === 409 ? line + ' (Reload scene reads it again; the changes here are then lost)' : line);
      return;
    }
    const got = JSON.parse(text);
    Object.assign(mine, { etag: response.headers.get('ETag'), zones: got.zones || {}, lines: got.lines || {}, rules: got.rules || [], dirty: false });
    drawFrom(got);
    renderEditor();
    // The config event may have come before this answer.
    if (mine.config && quoted(mine.config.hash) === mine.etag) say('ok', 'applied: ' + mine.config.summary);
    else say('ok', 'saved; applied at the next frame…');
  }

  /** A config event (a reload applied, from here or elsewhere): the page draws the new zones and lines at once. */
  async function onConfigEvent(evt) {
    if (ed) {
      ed.config = evt;
      if (quoted(evt.hash) === ed.etag) say('ok', 'applied: ' + evt.summary);
      else if (!ed.busy) say('warn', 'the scene was changed elsewhere (' + evt.summary + '); Reload scene to edit that one');
    }
    const which = camera;
    try {
      const response = await fetch(pageUrl('api/config'), { cache: 'no-store' });
      const config = await response.json();
      const mine = (config.cameras || []).find((c) => c.id === which);
      if (mine && which === camera) scene = { ...scene, zones: mine.zones || [], lines: mine.lines || [] };
    } catch (e) {
      console.warn('GET api/config failed:', e);
    }
  }

  /** The scene the picture is drawn with, from the scene API's shapes (zones' polygon, lines' points). */
  function drawFrom(got) {
    scene = {
      ...scene,
      zones: Object.entries(got.zones || {}).map(([name, z]) => ({ name, points: z.polygon })),
      lines: Object.entries(got.lines || {}).map(([name, l]) => ({ name, points: l.points })),
    };
  }

  const quoted = (hash) => '"' + hash + '"';

  /** The editor's one message line: kind '', 'ok', 'warn' or 'error'. */
  function say(kind, text) {
    el.message.className = kind;
    el.message.textContent = text;
  }

  // ---- the rest of the page ------------------------------------------------------------------

  function setTitle() {
    const text = 'SmartCam live' + (camera ? ' — ' + camera : '');
    document.title = text;
    el.title.textContent = text;
  }

  function setConn(state, text) {
    el.conn.className = 'conn conn-' + state;
    el.conn.textContent = text;
    document.body.dataset.conn = state; // connecting | open | closed
  }

  function resetView() {
    setTitle();
    scene = { zones: [], lines: [], outputs: [] };
    events = [];
    outputLevels = {};
    el.eventList.replaceChildren();
    publishEvents();
    renderOutputs();
    renderLatency({});
    for (const cell of [el.state, el.mode, el.fps, el.processed, el.dropped, el.frame]) cell.textContent = '–';
    el.canvas.getContext('2d').clearRect(0, 0, el.canvas.width, el.canvas.height);
    el.noPicture.hidden = false;
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
