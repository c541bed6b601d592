namespace Qwen3Tts.Silo.Database;

/// <summary>
/// PostgreSQL schema for Orleans AdoNet clustering (membership tables, functions and the query rows
/// the provider looks up by key at startup). Written to be re-applied safely: tables and functions are
/// created only when missing or replaced, query rows are upserted.
/// </summary>
public static class PostgresClusteringSchema
{
    /// <summary>Every query key the Orleans 10.4.2 AdoNet clustering provider refuses to start without.</summary>
    public static readonly IReadOnlyList<string> RequiredQueryKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
    ];

    public const string Script = """
        CREATE TABLE IF NOT EXISTS OrleansQuery
        (
            QueryKey varchar(64) NOT NULL,
            QueryText varchar(8000) NOT NULL,
            CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
        );

        -- One row per deployment; its version is bumped on every membership change (optimistic concurrency).
        CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
        (
            DeploymentId varchar(150) NOT NULL,
            Timestamp timestamptz(3) NOT NULL DEFAULT now(),
            Version integer NOT NULL DEFAULT 0,
            CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
        );

        -- One row per silo incarnation (address, port, generation).
        CREATE TABLE IF NOT EXISTS OrleansMembershipTable
        (
            DeploymentId varchar(150) NOT NULL,
            Address varchar(45) NOT NULL,
            Port integer NOT NULL,
            Generation integer NOT NULL,
            SiloName varchar(150) NOT NULL,
            HostName varchar(150) NOT NULL,
            Status integer NOT NULL,
            ProxyPort integer NULL,
            SuspectTimes varchar(8000) NULL,
            StartTime timestamptz(3) NOT NULL,
            IAmAliveTime timestamptz(3) NOT NULL,
            CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
            CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
                FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
        );

        CREATE OR REPLACE FUNCTION qwen3tts_touch_silo(
            p_deployment varchar, p_address varchar, p_port integer, p_generation integer, p_alive timestamptz)
          RETURNS void AS
        $body$
        BEGIN
            UPDATE OrleansMembershipTable SET IAmAliveTime = p_alive
            WHERE DeploymentId = p_deployment AND Address = p_address AND Port = p_port AND Generation = p_generation;
        END
        $body$ LANGUAGE plpgsql;

        -- Returns 1 when the deployment row was created, 0 when it already existed.
        CREATE OR REPLACE FUNCTION qwen3tts_add_deployment(p_deployment varchar)
          RETURNS TABLE(row_count integer) AS
        $body$
        DECLARE affected integer;
        BEGIN
            INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (p_deployment)
            ON CONFLICT (DeploymentId) DO NOTHING;
            GET DIAGNOSTICS affected = ROW_COUNT;
            RETURN QUERY SELECT affected;
        END
        $body$ LANGUAGE plpgsql;

        -- The optimistic-concurrency step of every membership write: true when p_version was current and is now one higher.
        CREATE OR REPLACE FUNCTION qwen3tts_bump_version(p_deployment varchar, p_version integer)
          RETURNS boolean AS
        $body$
        BEGIN
            UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
            WHERE DeploymentId = p_deployment AND Version = p_version;
            RETURN FOUND;
        END
        $body$ LANGUAGE plpgsql;

        -- Inserts a silo and bumps the version, both or neither: 0 when the row exists or the version is stale.
        CREATE OR REPLACE FUNCTION qwen3tts_add_silo(
            p_deployment varchar, p_address varchar, p_port integer, p_generation integer,
            p_silo_name varchar, p_host_name varchar, p_status integer, p_proxy_port integer,
            p_start timestamptz, p_alive timestamptz, p_version integer)
          RETURNS TABLE(row_count integer) AS
        $body$
        DECLARE affected integer;
        BEGIN
            IF NOT qwen3tts_bump_version(p_deployment, p_version) THEN
                RETURN QUERY SELECT 0;
                RETURN;
            END IF;
            INSERT INTO OrleansMembershipTable
                (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
            VALUES (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start, p_alive)
            ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
            GET DIAGNOSTICS affected = ROW_COUNT;
            IF affected = 0 THEN
                -- The silo row already exists: undo the version bump so the table stays consistent.
                RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'qwen3tts: duplicate silo';
            END IF;
            RETURN QUERY SELECT 1;
        EXCEPTION WHEN SQLSTATE 'P0001' THEN
            RETURN QUERY SELECT 0;
        END
        $body$ LANGUAGE plpgsql;

        -- Updates a silo and bumps the version, both or neither.
        CREATE OR REPLACE FUNCTION qwen3tts_update_silo(
            p_deployment varchar, p_address varchar, p_port integer, p_generation integer,
            p_status integer, p_suspect_times varchar, p_alive timestamptz, p_version integer)
          RETURNS TABLE(row_count integer) AS
        $body$
        DECLARE affected integer;
        BEGIN
            IF NOT qwen3tts_bump_version(p_deployment, p_version) THEN
                RETURN QUERY SELECT 0;
                RETURN;
            END IF;
            UPDATE OrleansMembershipTable
            SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_alive
            WHERE DeploymentId = p_deployment AND Address = p_address AND Port = p_port AND Generation = p_generation;
            GET DIAGNOSTICS affected = ROW_COUNT;
            IF affected = 0 THEN
                RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'qwen3tts: unknown silo';
            END IF;
            RETURN QUERY SELECT 1;
        EXCEPTION WHEN SQLSTATE 'P0001' THEN
            RETURN QUERY SELECT 0;
        END
        $body$ LANGUAGE plpgsql;

        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
        ('UpdateIAmAlivetimeKey',
         'SELECT qwen3tts_touch_silo(@DeploymentId, @Address, @Port, @Generation, @IAmAliveTime);'),
        ('InsertMembershipVersionKey',
         'SELECT * FROM qwen3tts_add_deployment(@DeploymentId);'),
        ('InsertMembershipKey',
         'SELECT * FROM qwen3tts_add_silo(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);'),
        ('UpdateMembershipKey',
         'SELECT * FROM qwen3tts_update_silo(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version);'),
        ('MembershipReadRowKey',
         'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
                 m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
          FROM OrleansMembershipVersionTable v
          LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
               AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
          WHERE v.DeploymentId = @DeploymentId;'),
        ('MembershipReadAllKey',
         'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
                 m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
          FROM OrleansMembershipVersionTable v
          LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
          WHERE v.DeploymentId = @DeploymentId;'),
        ('DeleteMembershipTableEntriesKey',
         'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
          DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;'),
        ('GatewaysQueryKey',
         'SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;'),
        -- Status 3 is Active: only silos that stopped refreshing and are no longer active are removed.
        ('CleanupDefunctSiloEntriesKey',
         'DELETE FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3;'),
        ('CleanupDefunctSiloEntryKey',
         'DELETE FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation AND Status <> 3;')
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
        """;
}
