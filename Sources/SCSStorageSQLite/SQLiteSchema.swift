import GRDB
import SCSStorage

/// The SQL of each migration of `Migrations.all`, for SQLite.
enum SQLiteSchema {
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

    /// Runs migration `id`: its SQL, with the functions that SQL calls registered for the time.
    static func apply(_ id: Int, _ db: Database) throws -> Bool {
        guard let sql = sql(for: id) else { return false }
        let digest = DatabaseFunction("scs_token_digest", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map(TokenDigest.of)
        }
        db.add(function: digest)
        // Migration 5 replaces tokens stored in clear: the pages they leave must not keep them.
        if id == 5 { try db.execute(sql: "PRAGMA secure_delete = ON") }
        defer {
            db.remove(function: digest)
            if id == 5 { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
        }
        try db.execute(sql: sql)
        return true
    }

    /// 1 — the Python server's tables, constraints and indexes (`database_sqlite.sql`), all
    /// `IF NOT EXISTS`: on a database the Python server wrote it only adds the two indexes that
    /// server's schema splitter skipped.
    static let pythonBaseline = """
        CREATE TABLE IF NOT EXISTS sessions (
            id TEXT PRIMARY KEY,
            purpose TEXT NOT NULL CHECK (length(trim(purpose)) > 0),
            created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
            is_active BOOLEAN DEFAULT TRUE,
            created_by TEXT NOT NULL CHECK (length(trim(created_by)) > 0),
            metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata))
        );
        CREATE TABLE IF NOT EXISTS messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL CHECK (length(trim(session_id)) > 0),
            sender TEXT NOT NULL CHECK (length(trim(sender)) > 0),
            sender_type TEXT DEFAULT 'generic' CHECK (length(trim(sender_type)) > 0),
            content TEXT NOT NULL CHECK (length(trim(content)) > 0 AND length(content) <= 100000),
            visibility TEXT DEFAULT 'public' CHECK (visibility IN ('public', 'private', 'agent_only', 'admin_only')),
            message_type TEXT DEFAULT 'agent_response',
            metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
            timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
            parent_message_id INTEGER,
            FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE,
            FOREIGN KEY (parent_message_id) REFERENCES messages(id) ON DELETE SET NULL
        );
        CREATE TABLE IF NOT EXISTS agent_memory (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            agent_id TEXT NOT NULL CHECK (length(trim(agent_id)) > 0),
            session_id TEXT,
            key TEXT NOT NULL CHECK (length(trim(key)) > 0 AND length(key) <= 255),
            value TEXT NOT NULL CHECK (length(trim(value)) > 0),
            metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
            created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
            expires_at TIMESTAMP,
            FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE,
            CHECK (expires_at IS NULL OR expires_at > created_at)
        );
        CREATE TABLE IF NOT EXISTS audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
            event_type TEXT NOT NULL CHECK (length(trim(event_type)) > 0),
            agent_id TEXT NOT NULL CHECK (length(trim(agent_id)) > 0),
            session_id TEXT,
            resource TEXT,
            action TEXT,
            result TEXT,
            metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
            FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE SET NULL
        );
        CREATE TABLE IF NOT EXISTS secure_tokens (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            token_id TEXT UNIQUE NOT NULL CHECK (length(trim(token_id)) > 0),
            encrypted_jwt BLOB NOT NULL,
            agent_id TEXT NOT NULL CHECK (length(trim(agent_id)) > 0),
            expires_at TIMESTAMP NOT NULL,
            created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
        );
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
            description TEXT
        );
        CREATE INDEX IF NOT EXISTS idx_messages_session_id ON messages(session_id);
        CREATE INDEX IF NOT EXISTS idx_messages_session_time ON messages(session_id, timestamp);
        CREATE INDEX IF NOT EXISTS idx_messages_sender_timestamp ON messages(sender, timestamp);
        CREATE INDEX IF NOT EXISTS idx_messages_visibility_session ON messages(visibility, session_id);
        CREATE INDEX IF NOT EXISTS idx_messages_parent_id ON messages(parent_message_id) WHERE parent_message_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_messages_sender_type ON messages(sender_type, timestamp);
        CREATE INDEX IF NOT EXISTS idx_agent_memory_lookup ON agent_memory(agent_id, session_id, key);
        CREATE INDEX IF NOT EXISTS idx_agent_memory_agent_global ON agent_memory(agent_id) WHERE session_id IS NULL;
        CREATE INDEX IF NOT EXISTS idx_agent_memory_expiry ON agent_memory(expires_at) WHERE expires_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_agent_memory_session ON agent_memory(session_id) WHERE session_id IS NOT NULL;
        CREATE UNIQUE INDEX IF NOT EXISTS idx_agent_memory_unique_global ON agent_memory(agent_id, key) WHERE session_id IS NULL;
        CREATE UNIQUE INDEX IF NOT EXISTS idx_agent_memory_unique_session ON agent_memory(agent_id, session_id, key) WHERE session_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_audit_log_timestamp ON audit_log(timestamp);
        CREATE INDEX IF NOT EXISTS idx_audit_log_agent_time ON audit_log(agent_id, timestamp);
        CREATE INDEX IF NOT EXISTS idx_audit_log_session_time ON audit_log(session_id, timestamp) WHERE session_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_audit_log_event_type ON audit_log(event_type, timestamp);
        CREATE INDEX IF NOT EXISTS idx_sessions_created_by ON sessions(created_by);
        CREATE INDEX IF NOT EXISTS idx_sessions_active ON sessions(is_active) WHERE is_active = TRUE;
        CREATE INDEX IF NOT EXISTS idx_sessions_updated_at ON sessions(updated_at);
        CREATE INDEX IF NOT EXISTS idx_token_id ON secure_tokens(token_id);
        CREATE INDEX IF NOT EXISTS idx_agent_expires ON secure_tokens(agent_id, expires_at);
        CREATE INDEX IF NOT EXISTS idx_expires_cleanup ON secure_tokens(expires_at);
        """

    /// Converts a text timestamp (`YYYY-MM-DD HH:MM:SS` or ISO with offset) to unix seconds; other
    /// values are left as they are.
    static func realTimestamp(_ column: String) -> String {
        "CASE WHEN typeof(\(column)) = 'text' AND julianday(\(column)) IS NOT NULL "
            + "THEN (julianday(\(column)) - 2440587.5) * 86400.0 ELSE \(column) END"
    }

    static func normalise(_ table: String, _ columns: [String]) -> String {
        let sets = columns.map { "\($0) = \(realTimestamp($0))" }.joined(separator: ", ")
        let anyText = columns.map { "typeof(\($0)) = 'text'" }.joined(separator: " OR ")
        return "UPDATE \(table) SET \(sets) WHERE \(anyText);"
    }

    /// 2 — what this server adds: closed sessions; every time stored as REAL unix seconds (the
    /// Python triggers that rewrote `updated_at` as text are dropped and existing text times
    /// converted, so ordering by time is correct); an index for thread and id-order reads.
    static let scsExtensions = """
        DROP TRIGGER IF EXISTS sessions_updated_at_trigger;
        DROP TRIGGER IF EXISTS agent_memory_updated_at_trigger;
        ALTER TABLE sessions ADD COLUMN closed_at REAL;
        \(normalise("sessions", ["created_at", "updated_at"]))
        \(normalise("messages", ["timestamp"]))
        \(normalise("agent_memory", ["created_at", "updated_at", "expires_at"]))
        \(normalise("audit_log", ["timestamp"]))
        \(normalise("secure_tokens", ["expires_at", "created_at"]))
        CREATE INDEX IF NOT EXISTS idx_messages_session_order ON messages(session_id, id);
        CREATE INDEX IF NOT EXISTS idx_sessions_created_at ON sessions(created_at, id);
        INSERT OR REPLACE INTO schema_version (version, description) VALUES (4, 'scs: closed sessions, REAL timestamps');
        """

    /// 3 — a feed of visibility changes, so search indexes never serve a stale visibility.
    static let messageChanges = """
        CREATE TABLE IF NOT EXISTS message_changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id INTEGER NOT NULL,
            session_id TEXT NOT NULL,
            changed_at REAL NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_message_changes_session ON message_changes(session_id, id);
        """

    /// 4 — MCP sessions survive a supervisor restart; per-session agent activity.
    static let mcpSessionsAndActivity = """
        CREATE TABLE IF NOT EXISTS mcp_sessions (
            id TEXT PRIMARY KEY,
            protocol_version TEXT NOT NULL,
            bound_token TEXT,
            created_at REAL NOT NULL,
            last_seen REAL NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_mcp_sessions_last_seen ON mcp_sessions(last_seen);
        CREATE TABLE IF NOT EXISTS agent_activity (
            session_id TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            agent_type TEXT NOT NULL,
            last_seen REAL NOT NULL,
            PRIMARY KEY (session_id, agent_id)
        );
        CREATE INDEX IF NOT EXISTS idx_agent_activity_seen ON agent_activity(session_id, last_seen);
        """

    /// 5 — no stored token can be presented: `secure_tokens.token_id` and `mcp_sessions.bound_token`
    /// hold `sha256:` digests of the tokens (rows from earlier versions and from the Python server
    /// are hashed here), and each token row names its JWT's `jti`, so that a raw JWT works only
    /// while its token is live. Rows the Python server wrote have no `jti`.
    static let hashedTokens = """
        ALTER TABLE secure_tokens ADD COLUMN jwt_id TEXT;
        UPDATE secure_tokens SET token_id = scs_token_digest(token_id) WHERE token_id NOT LIKE 'sha256:%';
        CREATE INDEX IF NOT EXISTS idx_secure_tokens_jwt_id ON secure_tokens(jwt_id) WHERE jwt_id IS NOT NULL;
        UPDATE mcp_sessions SET bound_token = scs_token_digest(bound_token)
            WHERE bound_token IS NOT NULL AND bound_token NOT LIKE 'sha256:%';
        """

    /// 6 — the number of messages of each (session, visibility), kept by triggers in the
    /// transaction of every insert, delete and visibility change (whoever writes: this server,
    /// the Python server, a script), so that a total of a session's messages is a lookup instead
    /// of a walk over an index of the whole session.
    static let messageCounts = """
        CREATE TABLE IF NOT EXISTS message_counts (
            session_id TEXT NOT NULL,
            visibility TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (session_id, visibility)
        ) WITHOUT ROWID;
        INSERT OR REPLACE INTO message_counts (session_id, visibility, count)
            SELECT IFNULL(session_id, ''), IFNULL(visibility, ''), COUNT(*) FROM messages GROUP BY 1, 2;
        CREATE TRIGGER IF NOT EXISTS message_counts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO message_counts (session_id, visibility, count)
                VALUES (IFNULL(NEW.session_id, ''), IFNULL(NEW.visibility, ''), 1)
                ON CONFLICT (session_id, visibility) DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS message_counts_delete AFTER DELETE ON messages BEGIN
            UPDATE message_counts SET count = count - 1
                WHERE session_id = IFNULL(OLD.session_id, '') AND visibility = IFNULL(OLD.visibility, '');
        END;
        CREATE TRIGGER IF NOT EXISTS message_counts_update AFTER UPDATE OF session_id, visibility ON messages BEGIN
            UPDATE message_counts SET count = count - 1
                WHERE session_id = IFNULL(OLD.session_id, '') AND visibility = IFNULL(OLD.visibility, '');
            INSERT INTO message_counts (session_id, visibility, count)
                VALUES (IFNULL(NEW.session_id, ''), IFNULL(NEW.visibility, ''), 1)
                ON CONFLICT (session_id, visibility) DO UPDATE SET count = count + 1;
        END;
        """

    /// 7 — dashboard logins (server-side: the cookie only names one).
    static let dashboardLogins = """
        CREATE TABLE IF NOT EXISTS dashboard_logins (
            id TEXT PRIMARY KEY,
            principal TEXT NOT NULL,
            agent_id TEXT,
            token_digest TEXT,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_dashboard_logins_token ON dashboard_logins(token_digest) WHERE token_digest IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_dashboard_logins_expiry ON dashboard_logins(expires_at);
        """

    /// 8 — agents the operator registered, each with its key's digest (verified identity).
    static let registeredAgents = """
        CREATE TABLE IF NOT EXISTS registered_agents (
            agent_id TEXT PRIMARY KEY,
            agent_type TEXT NOT NULL,
            permissions TEXT NOT NULL,
            key_digest TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL,
            key_created_at REAL NOT NULL,
            revoked_at REAL
        );
        """
}
