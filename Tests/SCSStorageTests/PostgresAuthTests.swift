import Foundation
import SCSCore
import SCSStorage
@testable import SCSStoragePostgres
import SCSTesting
import Testing

/// The server asks for a password in the clear or as MD5: refused unless the URL allows it. The
/// test cluster's pg_hba.conf is rewritten (as its superuser, with COPY) for two users of this
/// test only, and restored afterwards.
@Suite("PostgreSQL password authentication (a real cluster)")
struct PostgresAuthTests {
    static let plainUser = "scs_plain_auth"
    static let md5User = "scs_md5_auth"

    static func writeHBA(_ lines: [String], on cluster: PostgresURL) async throws {
        let values = lines.enumerated().map { "(\($0.offset), '\($0.element)')" }.joined(separator: ", ")
        try await TestStorage.execute(on: cluster, """
            DO $$ BEGIN EXECUTE format('COPY (SELECT l FROM (VALUES \(values.replacingOccurrences(of: "'", with: "''"))) v(n, l) ORDER BY n) TO %L',
            current_setting('data_directory') || '/pg_hba.conf'); END $$
            """)
        try await TestStorage.execute(on: cluster, "SELECT pg_reload_conf()")
    }

    static let standardHBA = [
        "local all all trust", "host all all 127.0.0.1/32 scram-sha-256", "host all all ::1/128 scram-sha-256",
        "local replication all trust", "host replication all 127.0.0.1/32 scram-sha-256",
    ]

    @Test("a server that asks for a cleartext or MD5 password is refused at start (insecure_auth=allow accepts it); SCRAM is not")
    func insecurePasswordRequests() async throws {
        let cluster = try TestStorage.clusterURL()
        try? await TestStorage.execute(on: cluster, "DROP ROLE IF EXISTS \(Self.plainUser)")
        try? await TestStorage.execute(on: cluster, "DROP ROLE IF EXISTS \(Self.md5User)")
        try await TestStorage.execute(on: cluster, "CREATE ROLE \(Self.plainUser) SUPERUSER LOGIN PASSWORD 'plain-pass-1234'")
        try await TestStorage.execute(on: cluster, """
            DO $$ BEGIN PERFORM set_config('password_encryption', 'md5', true);
            EXECUTE 'CREATE ROLE \(Self.md5User) SUPERUSER LOGIN PASSWORD ''md5-pass-12345'''; END $$
            """)
        try await Self.writeHBA(
            ["host all \(Self.plainUser) 127.0.0.1/32 password", "host all \(Self.md5User) 127.0.0.1/32 md5"] + Self.standardHBA, on: cluster)
        do {
            try await TestStorage.withPostgresDatabase { database in
                var plain = database
                (plain.user, plain.password) = (Self.plainUser, "plain-pass-1234")
                var md5 = database
                (md5.user, md5.password) = (Self.md5User, "md5-pass-12345")
                // pg_reload_conf only signals the server: wait until it asks as configured.
                let deadline = ContinuousClock.now + .seconds(10)
                while try await PostgresAuthProbe.method(plain, tls: nil) != .cleartext, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(try await PostgresAuthProbe.method(plain, tls: nil) == .cleartext)
                #expect(try await PostgresAuthProbe.method(md5, tls: nil) == .md5)
                #expect(try await PostgresAuthProbe.method(database, tls: nil) == .scram)
                for url in [plain, md5] {
                    await #expect {
                        _ = try await PostgresStorage.open(url: url, poolSize: 2)
                    } throws: { error in
                        let text = "\(error)"
                        return error is ConfigurationError && text.contains("insecure_auth=allow") && !text.contains("pass-12")
                    }
                }
                var allowed = try PostgresURL(parsing: "postgresql://u@127.0.0.1/d?sslmode=disable&insecure_auth=allow")
                (allowed.user, allowed.password, allowed.port, allowed.database) = (plain.user, plain.password, plain.port, plain.database)
                let storage = try await PostgresStorage.open(url: allowed, poolSize: 2)
                try await storage.ping()
                try await storage.close()
            }
        } catch {
            try? await Self.writeHBA(Self.standardHBA, on: cluster)
            throw error
        }
        try await Self.writeHBA(Self.standardHBA, on: cluster)
        try await TestStorage.execute(on: cluster, "DROP ROLE IF EXISTS \(Self.plainUser)")
        try await TestStorage.execute(on: cluster, "DROP ROLE IF EXISTS \(Self.md5User)")
    }
}
