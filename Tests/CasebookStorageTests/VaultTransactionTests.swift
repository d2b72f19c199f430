import CasebookModels
@testable import CasebookStorage
import CasebookTestSupport
import GRDB
import Synchronization
import Testing

/// Issue 17 / ADR 0028: every transaction of the vault goes through `Vault.read`/`Vault.write`.
@Suite("Vault transaction helper")
struct VaultTransactionTests {
    @Test("a CasebookError thrown inside a transaction comes out unchanged")
    func casebookErrorPassesThrough() throws {
        let vault = try SafeguardingFixture.vault(role: .dsl)
        let refusal = CasebookError(.conflict, "a synthetic refusal")
        do throws(CasebookError) {
            try vault.write("testing the helper") { _ in throw refusal }
            Issue.record("the write did not fail")
        } catch {
            #expect(error == refusal)
        }
        do throws(CasebookError) {
            try vault.read("testing the helper") { _ in throw refusal }
            Issue.record("the read did not fail")
        } catch {
            #expect(error == refusal)
        }
    }

    @Test("a SQLite error becomes a storage error naming what was being done, or disk full / damaged")
    func databaseErrorsAreMapped() throws {
        let vault = try SafeguardingFixture.vault(role: .dsl)
        do throws(CasebookError) {
            try vault.write("testing the helper") { _ in throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "client text must not leak") }
            Issue.record("the write did not fail")
        } catch {
            #expect(error.code == .storage)
            #expect(error.message.contains("testing the helper"))
            #expect(!error.message.contains("client text"), "SQLite's own message never reaches the user")
        }
        do throws(CasebookError) {
            try vault.read("testing the helper") { _ in throw DatabaseError(resultCode: .SQLITE_FULL) }
            Issue.record("the read did not fail")
        } catch {
            #expect(error.code == .diskFull)
        }
        do throws(CasebookError) {
            try vault.write("testing the helper") { _ in throw DatabaseError(resultCode: .SQLITE_CORRUPT) }
            Issue.record("the write did not fail")
        } catch {
            #expect(error.code == .vaultDamaged)
        }
    }

    @Test("a failed write drops the caches (they may describe what was rolled back); a failed read keeps them")
    func failedWriteResetsCaches() throws {
        let vault = try SafeguardingFixture.vault(role: .dsl)
        _ = try vault.organisation()
        #expect(vault.cache.withLock { $0.organisation != nil }, "precondition: the organisation state is cached")
        do throws(CasebookError) {
            try vault.read("testing the helper") { _ in throw DatabaseError(resultCode: .SQLITE_BUSY) }
        } catch {}
        #expect(vault.cache.withLock { $0.organisation != nil })
        do throws(CasebookError) {
            try vault.write("testing the helper") { db in
                try db.execute(sql: "DELETE FROM outbox")
                throw DatabaseError(resultCode: .SQLITE_BUSY)
            }
        } catch {}
        #expect(vault.cache.withLock { $0.organisation == nil })
    }
}
