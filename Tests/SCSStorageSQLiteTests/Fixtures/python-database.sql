-- A database as shared-context-server (Python, 1.1.x/1.2.0) leaves it: the DDL of its
-- database_sqlite.sql (the Python server's schema), minus idx_messages_sender_type and
-- idx_agent_memory_lookup, which its schema splitter skipped on fresh databases, plus rows in
-- the formats that server writes (REAL times from the app, text times from triggers/defaults).
PRAGMA foreign_keys = ON;

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
INSERT OR REPLACE INTO schema_version (version, description)
VALUES (3, 'PRP-006: Added secure_tokens table with Fernet encryption for JWT hiding');

CREATE TRIGGER IF NOT EXISTS sessions_updated_at_trigger AFTER UPDATE ON sessions FOR EACH ROW
BEGIN UPDATE sessions SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END;
CREATE TRIGGER IF NOT EXISTS agent_memory_updated_at_trigger AFTER UPDATE ON agent_memory FOR EACH ROW
BEGIN UPDATE agent_memory SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END;

CREATE INDEX IF NOT EXISTS idx_messages_session_id ON messages(session_id);
CREATE INDEX IF NOT EXISTS idx_messages_session_time ON messages(session_id, timestamp);
CREATE INDEX IF NOT EXISTS idx_messages_sender_timestamp ON messages(sender, timestamp);
CREATE INDEX IF NOT EXISTS idx_messages_visibility_session ON messages(visibility, session_id);
CREATE INDEX IF NOT EXISTS idx_messages_parent_id ON messages(parent_message_id) WHERE parent_message_id IS NOT NULL;
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

CREATE VIEW IF NOT EXISTS active_sessions_with_activity AS
SELECT s.*, COUNT(m.id) AS message_count, MAX(m.timestamp) AS last_message_at, COUNT(DISTINCT m.sender) AS unique_agents
FROM sessions s LEFT JOIN messages m ON s.id = m.session_id WHERE s.is_active = TRUE GROUP BY s.id;
CREATE VIEW IF NOT EXISTS agent_memory_summary AS
SELECT agent_id, COUNT(*) AS total_entries, MIN(created_at) AS first_entry, MAX(updated_at) AS last_updated
FROM agent_memory GROUP BY agent_id;

-- Rows.
INSERT INTO sessions (id, purpose, created_at, updated_at, is_active, created_by, metadata) VALUES
  ('session_aaaaaaaaaaaaaaaa', 'Python era session', 1764000000.5, 1764000000.5, 1, 'alice', '{"project":"legacy","round":2}'),
  ('session_bbbbbbbbbbbbbbbb', 'Second session', 1764000100.25, 1764000100.25, 1, 'bob', NULL);
-- A WebSocket connect updated the first session: the trigger rewrote updated_at as text.
UPDATE sessions SET metadata = json_set(metadata, '$.participant_count', 2) WHERE id = 'session_aaaaaaaaaaaaaaaa';

INSERT INTO messages (session_id, sender, sender_type, content, visibility, metadata, timestamp, parent_message_id) VALUES
  ('session_aaaaaaaaaaaaaaaa', 'alice', 'claude', 'public hello', 'public', '{"priority":"high"}', 1764000001.0, NULL),
  ('session_aaaaaaaaaaaaaaaa', 'bob', 'gemini', 'a private note', 'private', NULL, 1764000002.0, 1),
  ('session_aaaaaaaaaaaaaaaa', 'alice', 'claude', 'for claude agents', 'agent_only', NULL, 1764000003.0, NULL),
  ('session_aaaaaaaaaaaaaaaa', 'root', 'admin', 'admins only', 'admin_only', NULL, 1764000004.0, NULL),
  ('session_bbbbbbbbbbbbbbbb', 'bob', 'gemini', 'other session', 'public', NULL, 1764000101.0, NULL);

INSERT INTO agent_memory (agent_id, session_id, key, value, metadata, created_at, updated_at, expires_at) VALUES
  ('alice', NULL, 'config', '{"theme":"dark","n":3}', '{}', 1764000000.0, '2025-11-24T16:00:00.123456+00:00', NULL),
  ('alice', 'session_aaaaaaaaaaaaaaaa', 'raw', 'plain text stored raw', '{}', 1764000010.0, '2025-11-24T16:00:10+00:00', NULL),
  ('bob', NULL, 'expiring', '{"x":1}', '{}', 1764000020.0, '2025-11-24T16:00:20+00:00', 4102444800.0);
-- An overwrite: the trigger rewrote updated_at in CURRENT_TIMESTAMP form.
UPDATE agent_memory SET value = '{"theme":"light","n":4}' WHERE key = 'config';

INSERT INTO audit_log (event_type, agent_id, session_id, metadata) VALUES
  ('session_created', 'alice', 'session_aaaaaaaaaaaaaaaa', '{"purpose":"Python era session"}'),
  ('message_added', 'alice', 'session_aaaaaaaaaaaaaaaa', '{"message_id":1,"visibility":"public"}'),
  ('jwt_token_generated', 'alice', NULL, '{"agent_type":"claude","permissions":["read","write"]}');

INSERT INTO secure_tokens (token_id, encrypted_jwt, agent_id, expires_at) VALUES
  ('sct_3f2b8c1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f', X'674141414141426e', 'alice', '2025-11-24T17:00:00.5+00:00');
