using Microsoft.Extensions.Logging;

namespace CustomerGrains.Grains.Customers;

internal sealed partial class CustomerGrain
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "The phone directory could not be updated for customer {CustomerId}; retrying with the next event or timer")]
    private partial void LogDirectoryFailed(Exception ex, string customerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Customer {CustomerId} could not be assessed with value model {ModelVersion}")]
    private partial void LogAssessmentFailed(Exception ex, string customerId, string modelVersion);

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored snapshot of customer {CustomerId} belongs to {Other}; it is ignored and the state rebuilt from the log")]
    private partial void LogForeignSnapshot(string customerId, string other);

    [LoggerMessage(Level = LogLevel.Information, Message = "The stored snapshot of customer {CustomerId} has schema {Stored}, not {Current}; it is dropped and the state rebuilt from the log")]
    private partial void LogOtherSchema(string customerId, int stored, int current);

    [LoggerMessage(Level = LogLevel.Information, Message = "Customer {CustomerId} missed events after sequence {Last} (got {Got}); catching up from the log")]
    private partial void LogGap(string customerId, long last, long got);

    [LoggerMessage(Level = LogLevel.Error, Message = "Log record at position {Position} (event {EventId}) cannot be read and was skipped")]
    private partial void LogUnreadableRecord(Exception ex, long position, string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} (sequence {Sequence}) of customer {CustomerId} could not be applied and is quarantined; the customer is rebuilt from the log without it")]
    private partial void LogQuarantined(Exception ex, string eventId, long sequence, string customerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The quarantine alert of event {EventId} of customer {CustomerId} could not be stored; it is tried again with the next event")]
    private partial void LogQuarantineAlertFailed(Exception ex, string eventId, string customerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The read model row of customer {CustomerId} could not be written; retrying with the next save")]
    private partial void LogReadModelFailed(Exception ex, string customerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot of customer {CustomerId} could not be written; it will be rebuilt from the log")]
    private partial void LogSnapshotFailed(Exception ex, string customerId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Customer {CustomerId} deactivated ({Reason})")]
    private partial void LogDeactivated(string customerId, DeactivationReasonCode reason);
}
