namespace CustomerGrains.Grains.Hosting;

/// <summary>Where the engine keeps its data.</summary>
public enum StorageMode
{
    /// <summary>The embedded default: one silo, SQLite files under <c>Storage:DataDirectory</c>.</summary>
    Sqlite,

    /// <summary>A cluster: every silo shares one PostgreSQL database (<c>Storage:Postgres:ConnectionString</c>).</summary>
    Postgres,
}
