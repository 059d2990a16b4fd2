using SmartCam.Inference;

namespace SmartCam.Tracking;

/// <summary>
/// Constant-velocity Kalman filter over a box's centre, width and height: state
/// [cx, cy, w, h, vcx, vcy, vw, vh] in pixels and pixels per second, measured [cx, cy, w, h].
/// With diagonal noise the 8×8 filter splits exactly into four independent (position, velocity)
/// filters, which is what this is; w/h rather than ByteTrack's aspect/h keeps every axis in pixels.
/// Time is continuous: process noise is white acceleration integrated over the actual interval, so
/// irregular and skipped frames widen the uncertainty by exactly as much as the time that passed.
/// Noise scales with the box's size, as in SORT/ByteTrack: a big box jitters and moves more in pixels.
/// </summary>
internal struct KalmanBoxFilter
{
    /// <summary>Detector jitter, std as a fraction of box size (ByteTrack's 1/20).</summary>
    private const double MeasurementStd = 0.05;
    /// <summary>Acceleration noise density: velocity std grows by this × size px/s over one second (ByteTrack's 1/160 per frame at 30 fps).</summary>
    private const double AccelerationStd = 1.0;
    /// <summary>A new track's velocity is unknown: std of this × size px/s (ByteTrack's 10/160 per frame at 30 fps).</summary>
    private const double InitialVelocityStd = 2.0;

    private KalmanAxis _cx, _cy, _w, _h;

    public readonly double VelocityX => _cx.Velocity;
    public readonly double VelocityY => _cy.Velocity;

    public void Start(in Detection box)
    {
        var size = Size(box.X2 - box.X1, box.Y2 - box.Y1);
        var r = Square(MeasurementStd * size);
        var v = Square(InitialVelocityStd * size);
        _cx = new KalmanAxis((box.X1 + box.X2) * 0.5, r, v);
        _cy = new KalmanAxis((box.Y1 + box.Y2) * 0.5, r, v);
        _w = new KalmanAxis(box.X2 - box.X1, r, v);
        _h = new KalmanAxis(box.Y2 - box.Y1, r, v);
    }

    public void Predict(double dt)
    {
        var q = Square(AccelerationStd * Size(_w.Position, _h.Position));
        _cx.Predict(dt, q);
        _cy.Predict(dt, q);
        _w.Predict(dt, q);
        _h.Predict(dt, q);
    }

    public void Correct(in Detection box)
    {
        var r = Square(MeasurementStd * Size(_w.Position, _h.Position));
        _cx.Correct((box.X1 + box.X2) * 0.5, r);
        _cy.Correct((box.Y1 + box.Y2) * 0.5, r);
        _w.Correct(box.X2 - box.X1, r);
        _h.Correct(box.Y2 - box.Y1, r);
    }

    /// <summary>
    /// Stops the size drifting while the object is unseen: growth or shrink seen just before an
    /// occlusion rarely continues through it, and a collapsed box could never be matched again (ByteTrack does the same).
    /// </summary>
    public void HoldSize()
    {
        _w.Velocity = 0;
        _h.Velocity = 0;
    }

    public readonly void GetBox(out float x1, out float y1, out float x2, out float y2)
    {
        var halfW = Math.Max(_w.Position, 1) * 0.5;
        var halfH = Math.Max(_h.Position, 1) * 0.5;
        x1 = (float)(_cx.Position - halfW);
        x2 = (float)(_cx.Position + halfW);
        y1 = (float)(_cy.Position - halfH);
        y2 = (float)(_cy.Position + halfH);
    }

    /// <summary>Floor of 1 px keeps the noise positive, so the innovation never divides by zero.</summary>
    private static double Size(double w, double h) => Math.Max((w + h) * 0.5, 1);

    private static double Square(double x) => x * x;
}

/// <summary>One coordinate and its rate, with the symmetric 2×2 covariance [[P00, P01], [P01, P11]].</summary>
internal struct KalmanAxis(double position, double positionVariance, double velocityVariance)
{
    public double Position = position;
    public double Velocity;
    private double _p00 = positionVariance, _p01, _p11 = velocityVariance;

    /// <summary>x ← F x, P ← F P Fᵀ + Q with F = [[1, dt], [0, 1]] and Q the integrated white-acceleration noise of density q.</summary>
    public void Predict(double dt, double q)
    {
        Position += Velocity * dt;
        var dt2 = dt * dt;
        _p00 += 2 * dt * _p01 + dt2 * _p11 + q * dt2 * dt / 3;
        _p01 += dt * _p11 + q * dt2 / 2;
        _p11 += q * dt;
    }

    /// <summary>Measures position only (H = [1, 0]) with variance r.</summary>
    public void Correct(double z, double r)
    {
        var s = _p00 + r;
        var k0 = _p00 / s;
        var k1 = _p01 / s;
        var innovation = z - Position;
        Position += k0 * innovation;
        Velocity += k1 * innovation;
        // (I - K H) P, written out; the order matters because each line reads the old values.
        _p11 -= k1 * _p01;
        _p01 -= k0 * _p01;
        _p00 -= k0 * _p00;
    }
}
