import SCSStorage
import Testing

@Suite("Migration list")
struct MigrationsTests {
    @Test("ids are 1…n in order with unique names")
    func ordered() {
        #expect(Migrations.all.map(\.id) == Array(1...Migrations.all.count))
        #expect(Set(Migrations.all.map(\.name)).count == Migrations.all.count)
    }

    @Test("pending: what follows the applied prefix; anything else is a schema mismatch")
    func pending() throws {
        #expect(try Migrations.pending(applied: []).map(\.id) == Migrations.all.map(\.id))
        #expect(try Migrations.pending(applied: [1]).map(\.id) == Array(Migrations.all.map(\.id).dropFirst()))
        #expect(try Migrations.pending(applied: Migrations.all.map(\.id)).isEmpty)
        for bad in [[2], [1, 3], Migrations.all.map(\.id) + [999], [0]] {
            let error = #expect(throws: StorageError.self) { try Migrations.pending(applied: bad) }
            #expect(error?.code == .schemaMismatch)
        }
    }

    @Test("storage errors describe themselves without their driver detail")
    func errorText() {
        let error = StorageError(.unavailable, "write failed", underlying: "SQLite error 19: CHECK constraint failed with 'secret'")
        #expect(error.description == "storage unavailable: write failed")
    }
}
