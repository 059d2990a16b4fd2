namespace SmartCam.Viewing;

/// <summary>An answer of the scene routes: the HTTP status, the body (JSON, or one line of text for an error) and the file's ETag.</summary>
public sealed record SceneReply(int Status, byte[] Body, string? ETag = null, bool IsJson = false);

/// <summary>
/// GET and PUT /api/cameras/ID/scene (docs/http.md#scene): implemented where the pipeline is (the live reload), so the
/// HTTP side reaches it without importing the stages it changes.
/// </summary>
public interface ISceneEditor
{
    /// <summary>The camera's scene as JSON, with the file's ETag; 404 for a camera the config does not have.</summary>
    SceneReply Get(string camera);

    /// <summary>
    /// Applies <paramref name="body"/> (some of the scene's keys) at the next frame and writes the file: 200 with the new
    /// scene and ETag, 400 with the loader's error, 409 when the file is not the one <paramref name="ifMatch"/> names, 428
    /// without If-Match, 422 for a key that needs a restart.
    /// </summary>
    SceneReply Put(string camera, string body, string? ifMatch);
}
