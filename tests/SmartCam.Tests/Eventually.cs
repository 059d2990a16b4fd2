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

    /// <summary>A read in the try pattern, such as a channel's <c>TryRead</c>.</summary>
    public delegate bool TryGet<T>(out T value);

    /// <summary>Returns once <paramref name="condition"/> is true; fails with "<paramref name="what"/> did not happen within N s" after <paramref name="timeout"/>.</summary>
    public static void Until(Func<bool> condition, TimeSpan timeout, string what)
    {
        if (!Within(condition, timeout)) Fail(timeout, what);
    }

    /// <summary>The first value <paramref name="attempt"/> gives; fails as <see cref="Until"/> does.</summary>
    public static T Get<T>(TryGet<T> attempt, TimeSpan timeout, string what)
    {
        T value = default!;
        Until(() => attempt(out value), timeout, what);
        return value;
    }

    /// <summary>Whether <paramref name="condition"/> became true within <paramref name="timeout"/>, for helpers that report a timeout their own way.</summary>
    public static bool Within(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed >= timeout) return false;
            Thread.Sleep(Pause);
        }
        return true;
    }

    /// <summary><see cref="Until"/> for a condition that awaits (an HTTP request), pausing without holding a thread.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        if (!await WithinAsync(condition, timeout)) Fail(timeout, what);
    }

    /// <summary>
    /// <see cref="Within"/> for a condition that awaits. <paramref name="pause"/>: between tries (a browser asked over its
    /// debugging protocol is given 100 ms, not 20). An exception from the condition (a browser that died) ends the wait.
    /// </summary>
    public static async Task<bool> WithinAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? pause = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed >= timeout) return false;
            await Task.Delay(pause ?? Pause);
        }
        return true;
    }

    private static void Fail(TimeSpan timeout, string what) => Assert.Fail($"{what} did not happen within {timeout.TotalSeconds:0.#} s");
}
