import SCSCore
import Testing

@Suite("Logging settings and request ids")
struct LoggingSettingsTests {
    @Test("LOG_FORMAT is text (default) or json; anything else is a configuration error")
    func format() throws {
        #expect(try LoggingConfiguration(environment: ConfigEnvironment([:])).format == .text)
        let json = try LoggingConfiguration(environment: ConfigEnvironment(["LOG_FORMAT": "JSON", "LOG_LEVEL": "DEBUG"]))
        #expect(json == LoggingConfiguration(level: .debug, format: .json))
        #expect(throws: ConfigurationError.self) { try LoggingConfiguration(environment: ConfigEnvironment(["LOG_FORMAT": "xml"])) }
    }

    @Test("a request id is accepted only as 1-64 letters, digits and -_.:")
    func requestIDs() {
        #expect(RequestScope.accept("trace-4711.a:b_c") == "trace-4711.a:b_c")
        for bad in [nil, "", "has space", "new\nline", "é", String(repeating: "x", count: 65)] { #expect(RequestScope.accept(bad) == nil) }
    }
}
