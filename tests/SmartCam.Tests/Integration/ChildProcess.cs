using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace SmartCam.Tests.Integration;

/// <summary>
/// A real child process (the smartcam binary, a python subscriber, ffmpeg) with its output collected.
/// Every wait is bounded, and disposal kills and reaps it: nothing else reaps children here.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new(), _stderr = new();

    private ChildProcess(string file, IEnumerable<string> args, string? workingDirectory, bool stdin = false)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repo.Root,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The binary under test: $SMARTCAM_BIN (e.g. the Native AOT build) or the build beside the tests.</summary>
    public static string SmartCamBinary =>
        Environment.GetEnvironmentVariable("SMARTCAM_BIN") is { Length: > 0 } bin ? bin : Path.Combine(AppContext.BaseDirectory, "smartcam");

    public static ChildProcess SmartCam(params string[] args) => new(SmartCamBinary, args, null);

    public static ChildProcess Python(params string[] args) => new(Repo.Python, args, null);

    /// <summary>
    /// smartcam with SIGINT handled as by default. A process started from a shell's background job
    /// inherits SIGINT ignored (and rightly keeps it so, as nohup relies on); a test of Ctrl-C must not
    /// depend on how the test run itself was launched. exec keeps the pid.
    /// </summary>
    public static ChildProcess SmartCamWithDefaultSigint(params string[] args) =>
        new(Repo.Python, ["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])",
            SmartCamBinary, .. args], null);

    /// <summary>A python script that reads binary data from its standard input (<see cref="Stdin"/>).</summary>
    public static ChildProcess PythonWithInput(params string[] args) => new(Repo.Python, args, null, stdin: true);

    public Stream Stdin => _process.StandardInput.BaseStream;

    public static ChildProcess Start(string file, params string[] args) => new(file, args, null);

    public int Id => _process.Id;

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for exit and returns the exit code; fails the test with the output if it takes longer than <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            Assert.Fail($"{_process.StartInfo.FileName} did not exit within {timeout.TotalSeconds} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        _process.WaitForExit(); // flushes the output readers
        return _process.ExitCode;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the output so far; false after <paramref name="timeout"/>.</summary>
    public bool WaitFor(Func<ChildProcess, bool> condition, TimeSpan timeout)
    {
        var met = false;
        // Once the process has exited its output is complete: one more look decides.
        Eventually.Within(() => (met = condition(this)) || _process.HasExited, timeout);
        return met || (_process.HasExited && condition(this));
    }

    public void Signal(int signal)
    {
        if (!_process.HasExited) _ = kill(_process.Id, signal);
    }

    public const int SIGHUP = 1, SIGINT = 2, SIGTERM = 15;

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
