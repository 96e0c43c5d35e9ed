import Foundation
import SCSStorage

/// The SQL of each migration of `Migrations.all`, for PostgreSQL (docs/POSTGRESQL.md, "Schema").
/// Migration 1 is the Python server's PostgreSQL tables (`database_postgresql.sql`), all
/// `IF NOT EXISTS`; 2 turns every time into unix seconds (`DOUBLE PRECISION`), as the SQLite
/// driver stores them, so both drivers share one model and `scs db copy` maps rows as they are.
enum PostgresSchema {
    static func sql(for id: Int) -> String? {
        switch id {
        case 1: return pythonBaseline
        case 2: return scsExtensions
        case 3: return messageChanges
        case 4: return mcpSessionsAndActivity
        case 5: return hashedTokens
        case 6: return messageCounts
        case 7: return dashboardLogins
        case 8: return registeredAgents
        default: return nil
        }
    }

    /// The statements of migration `id`, in order (the extended protocol takes one at a time).
    static func statements(for id: Int) -> [String]? {
        sql(for: id).map(split)
    }

    /// Splits at `;` outside `$$ … $$` bodies (the schema has no `;` inside string literals).
    static func split(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false
        var previous: Character = " "
        for character in sql {
            if character == "$" && previous == "$" { inBody.toggle() }
            if character == ";" && !inBody {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { statements.append(statement) }
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }

    static let pythonBaseline = """
        CREATE TABLE IF NOT EXISTS sessions (
            id VARCHAR(255) PRIMARY KEY,
            purpose TEXT NOT NULL CHECK (length(trim(purpose)) > 0),
            created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
            is_active BOOLEAN DEFAULT TRUE,
            created_by VARCHAR(255) NOT NULL CHECK (length(trim(created_by)) > 0),
            metadata JSONB
        );
        CREATE TABLE IF NOT EXISTS messages (
            id BIGSERIAL PRIMARY KEY,
            session_id VARCHAR(255) NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            sender VARCHAR(255) NOT NULL CHECK (length(trim(sender)) > 0),
            sender_type VARCHAR(100) DEFAULT 'generic',
            content TEXT NOT NULL CHECK (length(trim(content)) > 0 AND length(content) <= 100000),
            visibility VARCHAR(20) DEFAULT 'public' CHECK (visibility IN ('public', 'private', 'agent_only', 'admin_only')),
            message_type VARCHAR(50) DEFAULT 'agent_response',
            metadata JSONB,
            timestamp TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
            parent_message_id BIGINT REFERENCES messages(id) ON DELETE SET NULL
        );
        CREATE TABLE IF NOT EXISTS agent_memory (
            id BIGSERIAL PRIMARY KEY,
            agent_id VARCHAR(255) NOT NULL CHECK (length(trim(agent_id)) > 0),
            session_id VARCHAR(255) REFERENCES sessions(id) ON DELETE CASCADE,
            key VARCHAR(255) NOT NULL CHECK (length(trim(key)) > 0),
            value TEXT NOT NULL CHECK (length(trim(value)) > 0),
            metadata JSONB,
            created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
            expires_at TIMESTAMPTZ,
            UNIQUE (agent_id, session_id, key)
        );
        CREATE TABLE IF NOT EXISTS audit_log (
            id BIGSERIAL PRIMARY KEY,
            timestamp TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
            event_type VARCHAR(100) NOT NULL CHECK (length(trim(event_type)) > 0),
            agent_id VARCHAR(255) NOT NULL CHECK (length(trim(agent_id)) > 0),
            session_id VARCHAR(255) REFERENCES sessions(id) ON DELETE SET NULL,
            resource VARCHAR(255),
            action VARCHAR(100),
            result VARCHAR(50),
            metadata JSONB
        );
        CREATE TABLE IF NOT EXISTS secure_tokens (
            id BIGSERIAL PRIMARY KEY,
            token_id VARCHAR(255) UNIQUE NOT NULL CHECK (length(trim(token_id)) > 0),
            encrypted_jwt BYTEA NOT NULL,
            agent_id VARCHAR(255) NOT NULL CHECK (length(trim(agent_id)) > 0),
            expires_at TIMESTAMPTZ NOT NULL,
            created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP
        );
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            applied_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
            description TEXT
        );
        CREATE INDEX IF NOT EXISTS idx_messages_session_id ON messages(session_id);
        CREATE INDEX IF NOT EXISTS idx_messages_session_time ON messages(session_id, timestamp);
        CREATE INDEX IF NOT EXISTS idx_messages_sender_timestamp ON messages(sender, timestamp);
        CREATE INDEX IF NOT EXISTS idx_messages_visibility_session ON messages(visibility, session_id);
        CREATE INDEX IF NOT EXISTS idx_messages_parent_id ON messages(parent_message_id) WHERE parent_message_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_agent_memory_lookup ON agent_memory(agent_id, session_id, key);
        CREATE INDEX IF NOT EXISTS idx_agent_memory_expiry ON agent_memory(expires_at) WHERE expires_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_audit_log_timestamp ON audit_log(timestamp);
        CREATE INDEX IF NOT EXISTS idx_audit_log_agent_time ON audit_log(agent_id, timestamp);
        CREATE INDEX IF NOT EXISTS idx_audit_log_event_type ON audit_log(event_type, timestamp);
        CREATE INDEX IF NOT EXISTS idx_sessions_created_by ON sessions(created_by);
        CREATE INDEX IF NOT EXISTS idx_token_id ON secure_tokens(token_id);
        CREATE INDEX IF NOT EXISTS idx_expires_cleanup ON secure_tokens(expires_at);
        """

    static func seconds(_ table: String, _ columns: [String]) -> String {
        let alters = columns.map { "ALTER COLUMN \($0) DROP DEFAULT, ALTER COLUMN \($0) TYPE DOUBLE PRECISION USING EXTRACT(EPOCH FROM \($0))::double precision" }
        return "ALTER TABLE \(table) \(alters.joined(separator: ", "));"
    }

    /// 2 — closed sessions; times as unix seconds; metadata as `json`, which keeps the text as
    /// written (JSONB reorders keys; its GIN indexes, which the Python schema adds, go); global memory keys unique too (the Python
    /// table's `UNIQUE (agent_id, session_id, key)` does not apply where `session_id` is NULL);
    /// the Python server's `updated_at` triggers dropped (this server sets the times it means).
    static let scsExtensions = """
        DROP TRIGGER IF EXISTS sessions_updated_at_trigger ON sessions;
        DROP TRIGGER IF EXISTS agent_memory_updated_at_trigger ON agent_memory;
        ALTER TABLE sessions ADD COLUMN IF NOT EXISTS closed_at DOUBLE PRECISION;
        \(seconds("sessions", ["created_at", "updated_at"]))
        \(seconds("messages", ["timestamp"]))
        \(seconds("agent_memory", ["created_at", "updated_at", "expires_at"]))
        \(seconds("audit_log", ["timestamp"]))
        \(seconds("secure_tokens", ["expires_at", "created_at"]))
        DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_am a ON a.oid = i.relam
                WHERE a.amname = 'gin' AND t.relname IN ('sessions', 'messages', 'agent_memory', 'audit_log') LOOP
                EXECUTE format('DROP INDEX IF EXISTS %I', r.relname);
            END LOOP;
        END $$;
        ALTER TABLE sessions ALTER COLUMN metadata TYPE json USING metadata::json;
        ALTER TABLE messages ALTER COLUMN metadata TYPE json USING metadata::json;
        ALTER TABLE agent_memory ALTER COLUMN metadata TYPE json USING metadata::json;
        ALTER TABLE audit_log ALTER COLUMN metadata TYPE json USING metadata::json;
        ALTER TABLE agent_memory ADD CONSTRAINT agent_memory_expiry_after_creation CHECK (expires_at IS NULL OR expires_at > created_at);
        ALTER TABLE messages ADD CONSTRAINT messages_metadata_object CHECK (metadata IS NULL OR json_typeof(metadata) = 'object');
        CREATE UNIQUE INDEX IF NOT EXISTS idx_agent_memory_unique_global ON agent_memory(agent_id, key) WHERE session_id IS NULL;
        CREATE INDEX IF NOT EXISTS idx_messages_session_order ON messages(session_id, id);
        CREATE INDEX IF NOT EXISTS idx_sessions_created_at ON sessions(created_at, id);
        CREATE INDEX IF NOT EXISTS idx_agent_memory_agent_updated ON agent_memory(agent_id, updated_at);
        INSERT INTO schema_version (version, description) VALUES (4, 'scs: closed sessions, unix-second timestamps')
            ON CONFLICT (version) DO UPDATE SET description = EXCLUDED.description;
        """

    static let messageChanges = """
        CREATE TABLE IF NOT EXISTS message_changes (
            id BIGSERIAL PRIMARY KEY,
            message_id BIGINT NOT NULL,
            session_id VARCHAR(255) NOT NULL,
            changed_at DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_message_changes_session ON message_changes(session_id, id);
        """

    static let mcpSessionsAndActivity = """
        CREATE TABLE IF NOT EXISTS mcp_sessions (
            id VARCHAR(255) PRIMARY KEY,
            protocol_version TEXT NOT NULL,
            bound_token TEXT,
            created_at DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_mcp_sessions_last_seen ON mcp_sessions(last_seen);
        CREATE TABLE IF NOT EXISTS agent_activity (
            session_id VARCHAR(255) NOT NULL,
            agent_id VARCHAR(255) NOT NULL,
            agent_type VARCHAR(100) NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (session_id, agent_id)
        );
        CREATE INDEX IF NOT EXISTS idx_agent_activity_seen ON agent_activity(session_id, last_seen);
        """

    /// 5 — tokens stored as `sha256:` digests (pgcrypto is not assumed: `sha256()` is built in
    /// since PostgreSQL 11).
    static let hashedTokens = """
        ALTER TABLE secure_tokens ADD COLUMN IF NOT EXISTS jwt_id TEXT;
        UPDATE secure_tokens SET token_id = 'sha256:' || encode(sha256(convert_to(token_id, 'UTF8')), 'hex')
            WHERE token_id NOT LIKE 'sha256:%';
        CREATE INDEX IF NOT EXISTS idx_secure_tokens_jwt_id ON secure_tokens(jwt_id) WHERE jwt_id IS NOT NULL;
        UPDATE mcp_sessions SET bound_token = 'sha256:' || encode(sha256(convert_to(bound_token, 'UTF8')), 'hex')
            WHERE bound_token IS NOT NULL AND bound_token NOT LIKE 'sha256:%';
        """

    static let messageCounts = """
        CREATE TABLE IF NOT EXISTS message_counts (
            session_id VARCHAR(255) NOT NULL,
            visibility VARCHAR(20) NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (session_id, visibility)
        );
        INSERT INTO message_counts (session_id, visibility, count)
            SELECT COALESCE(session_id, ''), COALESCE(visibility, ''), COUNT(*) FROM messages GROUP BY 1, 2
            ON CONFLICT (session_id, visibility) DO UPDATE SET count = EXCLUDED.count;
        CREATE OR REPLACE FUNCTION scs_message_counts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                UPDATE message_counts SET count = count - 1
                    WHERE session_id = COALESCE(OLD.session_id, '') AND visibility = COALESCE(OLD.visibility, '');
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO message_counts (session_id, visibility, count)
                    VALUES (COALESCE(NEW.session_id, ''), COALESCE(NEW.visibility, ''), 1)
                    ON CONFLICT (session_id, visibility) DO UPDATE SET count = message_counts.count + 1;
            END IF;
            RETURN NULL;
        END $$;
        DROP TRIGGER IF EXISTS message_counts_change ON messages;
        CREATE TRIGGER message_counts_change AFTER INSERT OR DELETE OR UPDATE OF session_id, visibility ON messages
            FOR EACH ROW EXECUTE FUNCTION scs_message_counts();
        """

    static let dashboardLogins = """
        CREATE TABLE IF NOT EXISTS dashboard_logins (
            id VARCHAR(255) PRIMARY KEY,
            principal TEXT NOT NULL,
            agent_id VARCHAR(255),
            token_digest TEXT,
            created_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_dashboard_logins_token ON dashboard_logins(token_digest) WHERE token_digest IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_dashboard_logins_expiry ON dashboard_logins(expires_at);
        """

    static let registeredAgents = """
        CREATE TABLE IF NOT EXISTS registered_agents (
            agent_id VARCHAR(255) PRIMARY KEY,
            agent_type VARCHAR(100) NOT NULL,
            permissions TEXT NOT NULL,
            key_digest TEXT NOT NULL UNIQUE,
            created_at DOUBLE PRECISION NOT NULL,
            key_created_at DOUBLE PRECISION NOT NULL,
            revoked_at DOUBLE PRECISION
        );
        """
}
