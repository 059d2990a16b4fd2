using System.CommandLine;
using SmartCam.Core;

namespace SmartCam.Commands;

/// <summary><c>smartcam keygen FILE</c>: a new CURVE key pair for <c>publish.curve</c>; the secret stays in FILE, the public key is printed.</summary>
public static class KeygenCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var keyFile = new Argument<string>("secret-key-file") { Description = "Where to write the new secret key, e.g. /etc/smartcam/bus.key (never overwritten)" };
        var keygen = new Command("keygen", "Make a CURVE key pair for an encrypted bus: writes the secret key file (mode 600) and prints the public key subscribers need.")
        {
            keyFile,
        };
        keygen.SetAction(r => Run(r.GetValue(keyFile)!, output));
        return keygen;
    }

    public static int Run(string path, TextWriter output)
    {
        string publicKey;
        try
        {
            publicKey = CurveKeys.WriteNewSecretKeyFile(path);
        }
        catch (IOException) when (File.Exists(path))
        {
            Console.Error.WriteLine($"smartcam keygen: {path} already exists; it is never overwritten (subscribers may hold its public key): remove it first or choose another name");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"smartcam keygen: cannot write {path}: {e.Message}");
            return 2;
        }
        output.WriteLine(publicKey);
        Console.Error.WriteLine($"smartcam keygen: wrote the secret key to {path} (mode 600; chown it to the service user). The line above is the public key: subscribers set it as their CURVE server key.");
        return 0;
    }
}
