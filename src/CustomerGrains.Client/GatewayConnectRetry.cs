using System.Globalization;
using CustomerGrains.Abstractions;
using Orleans.Runtime.Messaging;

namespace CustomerGrains.Client;

/// <summary>
/// While the client starts: tries the gateways again (the cluster may be starting too) with pauses from
/// <see cref="CustomerGrainsClientOptions.RetryDelay"/>, doubling up to <see cref="CustomerGrainsClientOptions.MaxRetryDelay"/>,
/// until <see cref="CustomerGrainsClientOptions.ConnectTimeout"/> has passed; then fails with what to check, TLS
/// included (a refused handshake looks like any lost connection to the client).
/// </summary>
internal sealed class GatewayConnectRetry(CustomerGrainsClientOptions options, IReadOnlyList<string> gateways, ClusterTls? tls, TimeProvider time)
    : IClientConnectionRetryFilter
{
    private long? firstFailure;
    private TimeSpan pause = options.RetryDelay;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (ConnectionFailedException or OrleansMessageRejectionException) || cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        firstFailure ??= time.GetTimestamp();
        if (time.GetElapsedTime(firstFailure.Value) + pause > options.ConnectTimeout)
        {
            // Thrown out of the client's start in place of the last attempt's error, which it keeps as its inner exception.
            throw new ConnectionFailedException(Explain(exception), exception);
        }
        await Task.Delay(pause, time, cancellationToken);
        pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, options.MaxRetryDelay.Ticks));
        return true;
    }

    private string Explain(Exception exception)
    {
        var cause = exception;
        while (cause.InnerException is { } inner)
        {
            cause = inner;
        }
        var tlsAdvice = tls is null
            ? $"This client does not use TLS: if the silos do (Orleans:Tls:Enabled), set {CustomerGrainsClientOptions.Section}:Tls:Enabled=true " +
              "with a certificate they accept."
            : $"This client uses TLS with the certificate {tls.Certificate.Subject} (thumbprint {tls.Certificate.Thumbprint}): the silos must " +
              "have TLS on and accept it (the same certificate, one in their Orleans:Tls:RemoteThumbprints, or one chained to a root they trust), " +
              "and this client must accept theirs; a silo logs each refused handshake as 'Authentication failed'.";
        return string.Create(CultureInfo.InvariantCulture,
            $"Could not connect to the cluster through its gateways ({string.Join(", ", gateways)}) within {options.ConnectTimeout.TotalSeconds:0.#} s " +
            $"({exception.Message}{(ReferenceEquals(cause, exception) ? "" : $" {cause.Message}")}). {tlsAdvice} " +
            $"Check too that the silos run and that {CustomerGrainsClientOptions.Section}:ClusterId ({options.ClusterId}) is theirs.");
    }
}
