using System.Collections.Immutable;
using CustomerGrains.Abstractions;
using CustomerGrains.Grains.Value;

namespace CustomerGrains.Grains.Segments;

/// <summary>
/// The one door to lists of customers and saved segments, for the HTTP API and the typed client alike: it validates
/// (an invalid query or definition is answered with every problem, naming the field, and changes nothing), normalises the
/// names, pages by cursor and counts. Who may do what, and the audit trail, stay with the caller.
/// </summary>
public sealed class CustomerSegments(ICustomerReadModel readModel, ISegmentStore store, TimeProvider time)
{
    /// <summary>A page of the customers of <paramref name="query"/>, with the count of the whole list, or its problems.</summary>
    public async Task<CustomerPageAnswer> ListAsync(CustomerListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var problems = query.Problems();
        if (problems.Count > 0)
        {
            return new CustomerPageAnswer { Problems = [.. problems] };
        }
        var normalized = query with { Filter = query.Filter.Normalized() };
        var limit = query.Limit ?? CustomerListQuery.DefaultLimit;
        // One row more than the page tells whether there is a next page without a second query.
        var (rows, count) = await readModel.ListAsync(normalized, limit + 1, cancellationToken);
        var page = rows.Take(limit).ToImmutableArray();
        return new CustomerPageAnswer
        {
            Page = new CustomerPage
            {
                Customers = page,
                Count = count,
                Next = rows.Count > limit ? CursorAfter(page[^1], normalized.SortOrDefault).Write() : null,
            },
        };
    }

    private static ListCursor CursorAfter(CustomerListing last, string sort) => sort.TrimStart('-') switch
    {
        "netValue" => new ListCursor(sort, last.NetValue, last.CustomerId),
        "pAlive" => new ListCursor(sort, last.PAlive, last.CustomerId),
        _ => new ListCursor(sort, null, last.CustomerId),
    };

    /// <summary>Saves the segment <paramref name="name"/> (created or replaced), with its count, or answers every problem and saves nothing.</summary>
    public async Task<SegmentSaveAnswer> SaveAsync(string name, SegmentDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = definition.Problems(name);
        if (problems.Count > 0)
        {
            return new SegmentSaveAnswer { Problems = [.. problems] };
        }
        var stored = await store.PutAsync(name, definition with { Filter = definition.Filter.Normalized() }, time.GetUtcNow(), cancellationToken);
        return new SegmentSaveAnswer { Segment = await CountedAsync(stored, cancellationToken), Created = stored.CreatedAt == stored.UpdatedAt };
    }

    /// <summary>The segment <paramref name="name"/> with its count now, or null when none is saved under it.</summary>
    public async Task<SavedSegment?> GetAsync(string name, CancellationToken cancellationToken) =>
        SegmentDefinition.IsName(name) && await store.GetAsync(name, cancellationToken) is { } stored
            ? await CountedAsync(stored, cancellationToken)
            : null;

    /// <summary>Every saved segment by name, each with its count now.</summary>
    public async Task<ImmutableArray<SavedSegment>> ListSegmentsAsync(CancellationToken cancellationToken)
    {
        var segments = ImmutableArray.CreateBuilder<SavedSegment>();
        foreach (var stored in await store.ListAsync(cancellationToken))
        {
            segments.Add(await CountedAsync(stored, cancellationToken));
        }
        return segments.ToImmutable();
    }

    /// <summary>Removes the segment <paramref name="name"/>; false when none was saved under it.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        SegmentDefinition.IsName(name) && await store.DeleteAsync(name, cancellationToken);

    /// <summary>A page of the segment's members in its sort, with their count, or that there is no such segment, or the paging's problems.</summary>
    public async Task<CustomerPageAnswer> MembersAsync(string name, string? after, int? limit, CancellationToken cancellationToken)
    {
        if (!SegmentDefinition.IsName(name) || await store.GetAsync(name, cancellationToken) is not { } stored)
        {
            return new CustomerPageAnswer { UnknownSegment = true };
        }
        return await ListAsync(QueryOf(stored) with { After = after, Limit = limit }, cancellationToken);
    }

    private static CustomerListQuery QueryOf(StoredSegment stored) => new() { Filter = stored.Definition.Filter, Sort = stored.Definition.Sort };

    private async Task<SavedSegment> CountedAsync(StoredSegment stored, CancellationToken cancellationToken) => new()
    {
        Name = stored.Name,
        Definition = stored.Definition,
        CreatedAt = stored.CreatedAt,
        UpdatedAt = stored.UpdatedAt,
        Count = await readModel.CountAsync(QueryOf(stored), cancellationToken),
    };
}
