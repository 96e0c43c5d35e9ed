import Foundation

/// Generates the server's secrets from the system CSPRNG (`getrandom` on Linux).
public enum SecretGenerator {
    /// `count` random bytes.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Standard base64 of 32 random bytes (44 characters), as the Python server's `scs setup` makes
    /// API_KEY and JWT_SECRET_KEY.
    public static func base64Secret() -> String {
        Data(randomBytes(32)).base64EncodedString()
    }

    /// A Fernet-format key (URL-safe base64 of 32 random bytes), the form JWT_ENCRYPTION_KEY takes
    /// in the Python server, so an env file works for both.
    public static func fernetKey() -> String {
        Data(randomBytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
    }

    /// A fresh value for each secret named in `SecretsConfiguration.names`.
    public static func generate(_ name: String) -> String {
        name == "JWT_ENCRYPTION_KEY" ? fernetKey() : base64Secret()
    }
}
