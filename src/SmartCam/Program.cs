using System.CommandLine;
using System.Reflection;
using SmartCam.Hosting;
using SmartCam.Messaging;

namespace SmartCam;

public static class Program
{
    public static int Main(string[] args)
    {
        var configOption = new Option<string>("--config", "-c")
        {
            Description = "The YAML configuration file, e.g. configs/demo.yaml",
            Required = true,
        };

        var run = new Command("run", "Run the camera pipeline until stopped (SIGINT/SIGTERM) or, for a file with loop: false, until it ends.")
        {
            configOption,
        };
        run.SetAction(r => RunCommand.Run(r.GetValue(configOption)!));

        var validate = new Command("validate", "Load the configuration and the model, print a summary, and exit non-zero on any problem.")
        {
            configOption,
        };
        validate.SetAction(r => ValidateCommand.Run(r.GetValue(configOption)!, Console.Out));

        var endpoint = new Option<string>("--endpoint", "-e")
        {
            Description = "The service's publish endpoint",
            DefaultValueFactory = _ => "tcp://127.0.0.1:5556",
        };
        var topic = new Option<string>("--topic", "-t")
        {
            Description = "Topic prefix to subscribe to, e.g. det. or status.cam0 (default: everything)",
            DefaultValueFactory = _ => "",
        };
        var count = new Option<int>("--count", "-n") { Description = "Exit after this many messages (default: run until Ctrl-C)" };
        var json = new Option<bool>("--json") { Description = "Print each message's JSON as received instead of a summary line" };
        var watch = new Command("watch", "Subscribe to a running service and print its messages live, one line each.")
        {
            endpoint, topic, count, json,
        };
        watch.SetAction(r => WatchCommand.Run(r.GetValue(endpoint)!, r.GetValue(topic) ?? "", r.GetValue(count), r.GetValue(json)));

        var root = new RootCommand("SmartCam: camera → detector → ZeroMQ detections. See README.md and docs/.")
        {
            run, validate, watch,
        };
        return root.Parse(args).Invoke();
    }

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
