namespace Bgmm;

/// <summary>
/// Bad input to the library: an invalid hyperparameter, option, initial mixture or dataset. The
/// message names the offending parameter and its valid range, and says what to do; it is meant to
/// be shown to the user as it is. It is an <see cref="ArgumentOutOfRangeException"/> (a value outside
/// the parameter's valid range or set) whose <see cref="ArgumentException.ParamName"/> is the parameter's name.
/// </summary>
public sealed class ModelInputException : ArgumentOutOfRangeException
{
    /// <summary>Creates the exception for <paramref name="parameterName"/>.</summary>
    public ModelInputException(string parameterName, string message)
        : base(parameterName, message)
    {
    }

    /// <summary>The message alone, without the "(Parameter …)" suffix of <see cref="ArgumentException"/>.</summary>
    public override string Message => base.Message.Contains(" (Parameter '", StringComparison.Ordinal)
        ? base.Message[..base.Message.LastIndexOf(" (Parameter '", StringComparison.Ordinal)]
        : base.Message;
}
