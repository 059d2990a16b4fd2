using System.Diagnostics;

namespace SmartCam.Tests;

/// <summary>
/// Waits for a condition instead of sleeping a guessed time: polls it with short pauses until it holds, and
/// fails the test, naming what never happened, once <c>timeout</c> has passed. A loaded machine only makes
/// the wait longer, never the test wrong; give generous timeouts (30-60 s), they cost nothing when all is well.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    /// <summary>Returns once <paramref name="condition"/> is true; fails with "<paramref name="what"/> did not happen within N s" after <paramref name="timeout"/>.</summary>
    public static void Until(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed >= timeout) Assert.Fail($"{what} did not happen within {timeout.TotalSeconds:0.#} s");
            Thread.Sleep(Pause);
        }
    }
}
