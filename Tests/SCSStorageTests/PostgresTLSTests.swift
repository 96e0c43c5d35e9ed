import Foundation
import SCSCore
import SCSStorage
@testable import SCSStoragePostgres
import SCSTesting
import Testing

/// TLS to a real PostgreSQL: the test cluster is given a certificate from a CA made here
/// (openssl), and the URL's modes and files are tried against it; the cluster's TLS settings are
/// reset afterwards.
@Suite("PostgreSQL TLS (a real cluster)")
struct PostgresTLSTests {
    /// Runs openssl with `arguments` in `directory`.
    static func openssl(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("openssl \(arguments.first ?? "") failed") }
    }

    /// A CA, a server certificate it signed for localhost and 127.0.0.1, and an unrelated CA.
    static func makeCertificates(in directory: String) throws {
        let subject = ["-subj"]
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2"] + subject + ["/CN=scs test CA"], in: directory)
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.pem", "-days", "2"] + subject + ["/CN=other CA"], in: directory)
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr"] + subject + ["/CN=localhost"], in: directory)
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: directory + "/san.ext", atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
                     "-days", "2", "-extfile", "san.ext"], in: directory)
    }

    /// Has the server write `file`'s lines to `target` (COPY, as its superuser), so the copy is the
    /// server's own; then narrows it to 0600, as PostgreSQL wants a private key.
    static func installKey(_ file: String, at target: String, on cluster: PostgresURL) async throws {
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").enumerated()
            .map { "(\($0.offset), ''\($0.element)'')" }.joined(separator: ", ")
        let copy = "COPY (SELECT l FROM (VALUES \(lines)) v(n, l) ORDER BY n) TO ''\(target)''"
        try await TestStorage.execute(on: cluster, "DO $$ BEGIN EXECUTE '\(copy)'; END $$")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
    }

    static func setTLS(on directory: String?, _ cluster: PostgresURL) async throws {
        if let directory {
            try await TestStorage.execute(on: cluster, "ALTER SYSTEM SET ssl_cert_file = '\(directory)/server.pem'")
            try await TestStorage.execute(on: cluster, "ALTER SYSTEM SET ssl_key_file = '\(directory)/pg-server.key'")
            try await TestStorage.execute(on: cluster, "ALTER SYSTEM SET ssl = on")
        } else {
            for setting in ["ssl", "ssl_cert_file", "ssl_key_file"] { try await TestStorage.execute(on: cluster, "ALTER SYSTEM RESET \(setting)") }
        }
        try await TestStorage.execute(on: cluster, "SELECT pg_reload_conf()")
    }

    static func url(_ cluster: PostgresURL, host: String, _ query: String) throws -> PostgresURL {
        var url = try PostgresURL(parsing: "postgresql://u@\(host):\(cluster.port)/\(cluster.database)?\(query)")
        (url.user, url.password) = (cluster.user, cluster.password)
        return url
    }

    @Test("verify-full with the right root connects; another root, or the system roots, are refused (verify-full and verify-ca); require encrypts unchecked")
    func modes() async throws {
        let cluster = try TestStorage.clusterURL()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scs-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.makeCertificates(in: directory)
        // The server (maybe another user) reads the certificate and writes its copy of the key here.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory + "/server.pem")
        try await Self.installKey(directory + "/server.key", at: directory + "/pg-server.key", on: cluster)
        do {
            try await Self.setTLS(on: directory, cluster)
            let verified = try Self.url(cluster, host: "localhost", "sslmode=verify-full&sslrootcert=\(directory)/ca.pem")
            // pg_reload_conf only signals the server: wait until it speaks TLS.
            let deadline = ContinuousClock.now + .seconds(10)
            var storage: PostgresStorage?
            while storage == nil, ContinuousClock.now < deadline {
                storage = try? await PostgresStorage.open(url: verified, poolSize: 2)
                if storage == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let opened = try #require(storage, "verify-full with the right root did not connect")
            try await opened.ping()
            try await opened.close()
            for refused in [
                try Self.url(cluster, host: "localhost", "sslmode=verify-full&sslrootcert=\(directory)/other.pem"),
                try Self.url(cluster, host: "localhost", "sslmode=verify-ca&sslrootcert=\(directory)/other.pem"),
                try Self.url(cluster, host: "localhost", "sslmode=verify-full"),  // the system's roots do not know this CA
            ] {
                await #expect(throws: StorageError.self, "\(refused)") { _ = try await PostgresStorage.open(url: refused, poolSize: 2) }
            }
            let unchecked = try await PostgresStorage.open(url: try Self.url(cluster, host: "127.0.0.1", "sslmode=require"), poolSize: 2)
            try await unchecked.ping()
            try await unchecked.close()
        } catch {
            try? await Self.setTLS(on: nil, cluster)
            throw error
        }
        try await Self.setTLS(on: nil, cluster)
    }
}
