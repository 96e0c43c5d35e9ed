import SCSHTTP
import Testing

@Suite("Origin check (DNS-rebinding defence)")
struct OriginPolicyTests {
    @Test("localhost, 127.0.0.1 and [::1] on any port; CORS_ORIGINS extra; everything else refused")
    func origins() {
        let policy = OriginPolicy(extraOrigins: ["https://app.example.com"])
        for allowed in [nil, "http://localhost", "http://localhost:3000", "https://127.0.0.1:8443", "http://[::1]:80", "https://app.example.com/"] {
            #expect(policy.allows(allowed), "\(allowed ?? "nil")")
        }
        for refused in ["http://evil.example", "http://localhost.evil.example", "http://127.0.0.1.nip.io", "null", "file://", "http://localhost:abc",
                        "ftp://localhost", "https://app.example.com.evil"] {
            #expect(!policy.allows(refused), "\(refused)")
        }
    }
}
