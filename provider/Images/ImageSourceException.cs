namespace PulumiLibvirt.Images;

/// <summary>
/// An image that could not be read or is not what was declared; the message names the source and the cause.
/// </summary>
public sealed class ImageSourceException(string message, Exception? inner = null) : Exception(message, inner);
