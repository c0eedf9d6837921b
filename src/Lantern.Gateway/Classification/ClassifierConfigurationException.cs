namespace Lantern.Gateway.Classification;

/// <summary>
/// The classifier options are unusable: an unknown detector or data class, an empty keyword, or a policy regular
/// expression that does not compile or cannot run in linear time. The message names the rule and the reason so
/// that the policy author can fix it.
/// </summary>
public sealed class ClassifierConfigurationException : Exception
{
    public ClassifierConfigurationException()
    {
    }

    public ClassifierConfigurationException(string message)
        : base(message)
    {
    }

    public ClassifierConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
