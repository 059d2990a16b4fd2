using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SmartCam.Hosting;

/// <summary>The process's exit code, decided by the pipeline.</summary>
public sealed class RunOutcome
{
    public int ExitCode { get; set; }
}

/// <summary>
/// Hosts the appliance's pipeline on a dedicated thread (a real-time loop must not share pool threads) and stops
/// the host when the pipeline ends by itself, as a file with <c>loop: false</c> does.
/// </summary>
public sealed class PipelineService(Appliance appliance, IHostApplicationLifetime lifetime, RunOutcome outcome, ILogger<PipelineService> log)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pipeline = appliance.Pipeline ?? throw new InvalidOperationException("The appliance is assembled before the host starts");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                outcome.ExitCode = pipeline.Run(stoppingToken);
            }
            catch (Exception e)
            {
                // Not a user mistake (those are reported at load): a bug, so keep the stack trace.
                log.LogCritical(e, "The pipeline failed");
                outcome.ExitCode = 1;
            }
            finally
            {
                done.SetResult();
                lifetime.StopApplication();
            }
        })
        { Name = "sc-infer", IsBackground = true };
        thread.Start();
        return done.Task;
    }
}
