public import CasebookStorage
public import Hummingbird
import CasebookModels
import Foundation
import NIOCore
import Synchronization

/// `casebook ui`: the practitioner's, the DSL's and the administrator's local web app (issue 14,
/// ADR 0023). Served by the `casebook` process on 127.0.0.1 over the unlocked vault; every page calls
/// the same `Vault` functions as the CLI and shows their refusals in the library's words.
public final class LocalWebApp: Sendable {
    public let vault: Vault
    public let gate: UIGate
    let hooks: UIHooks
    /// The one sync job at a time that "Sync now" starts, and its progress (LocalWebApp+Sync).
    let syncJob = Mutex(SyncJob())

    public init(vault: Vault, gate: UIGate = UIGate(), hooks: UIHooks = UIHooks()) {
        self.vault = vault
        self.gate = gate
        self.hooks = hooks
    }

    /// The path (with the one-time token) that the launch URL opens.
    public var launchPath: String { "/launch?token=\(gate.launchToken)" }

    /// Every route, behind the guard.
    public func router() -> Router<UIContext> {
        let router = Router(context: UIContext.self)
        router.add(middleware: UIGuard(gate: gate, hooks: hooks))
        router.get("/app.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: Script.source)))
        }
        // Practitioner
        router.get("/") { _, c in self.home(c) }
        router.get("/clients/new") { _, c in self.newClient(c) }
        router.post("/clients") { _, c in self.addClient(c) }
        router.get("/clients/:id") { _, c in self.timeline(c, id: try self.clientID(c)) }
        router.post("/clients/:id/consent") { _, c in self.recordConsent(c, id: try self.clientID(c)) }
        router.get("/clients/:id/sessions/new") { _, c in self.sessionForm(c, client: try self.clientID(c)) }
        router.post("/clients/:id/sessions") { _, c in self.logSession(c, client: try self.clientID(c)) }
        router.post("/clients/:id/preview") { _, c in self.preview(c, client: try self.clientID(c)) }
        router.post("/clients/:id/identify") { _, c in self.identify(c, client: try self.clientID(c)) }
        router.get("/sessions/:id/edit") { _, c in self.editForm(c, session: try self.recordID(c)) }
        router.post("/sessions/:id") { _, c in self.saveDraft(c, session: try self.recordID(c)) }
        router.post("/sessions/:id/finalise") { _, c in self.finalise(c, session: try self.recordID(c)) }
        router.post("/sessions/:id/amend") { _, c in self.amend(c, session: try self.recordID(c)) }
        // Safeguarding (anyone raises; the DSL acts)
        router.get("/concerns/new") { r, c in self.concernForm(c, client: r.uri.queryParameters.get("client")) }
        router.post("/concerns") { _, c in await self.raiseConcern(c) }
        router.get("/inbox") { _, c in self.inbox(c) }
        router.post("/concerns/:id/acknowledge") { _, c in self.acknowledge(c, concern: try self.recordID(c)) }
        router.post("/concerns/:id/action") { _, c in self.recordAction(c, concern: try self.recordID(c)) }
        router.post("/concerns/:id/close") { _, c in self.closeConcern(c, concern: try self.recordID(c)) }
        router.post("/disclosures/:id/approve") { _, c in self.approve(c, disclosure: try self.recordID(c)) }
        router.get("/disclosures") { _, c in self.disclosureLog(c) }
        router.get("/disclosures/:id") { _, c in self.releasePage(c, disclosure: try self.recordID(c)) }
        router.post("/disclosures/:id/extract") { _, c in self.releaseExtract(c, disclosure: try self.recordID(c)) }
        router.post("/clients/:id/releases") { _, c in self.recordRelease(c, client: try self.clientID(c)) }
        router.post("/clients/:id/grants") { _, c in await self.grant(c, client: try self.clientID(c)) }
        router.post("/clients/:id/revoke") { _, c in await self.revoke(c, client: try self.clientID(c)) }
        router.post("/clients/:id/access-requests") { _, c in self.openAccessRequest(c, client: try self.clientID(c)) }
        router.post("/access-requests/:id/export") { _, c in self.exportAccessRequest(c, request: try self.recordID(c)) }
        router.post("/access-requests/:id/extend") { _, c in self.extendAccessRequest(c, request: try self.recordID(c)) }
        router.post("/breaches/:id/report") { _, c in self.reportBreach(c, breach: try self.recordID(c)) }
        router.post("/breaches/:id/no-risk") { _, c in self.assessBreach(c, breach: try self.recordID(c)) }
        // Administrator
        router.get("/admin") { _, c in self.admin(c) }
        router.post("/sync") { _, c in self.startSync(c) }
        router.get("/sync") { _, c in self.syncStatus(c) }
        router.post("/training") { _, c in self.recordTraining(c) }
        router.post("/policy") { _, c in self.adoptPolicy(c) }
        router.post("/devices/:id/certify") { _, c in await self.certifyDevice(c, device: DeviceID(rawValue: try c.parameters.require("id"))) }
        router.post("/devices/remove") { _, c in await self.removeDevice(c) }
        return router
    }

    func clientID(_ context: UIContext) throws -> ClientID {
        ClientID(rawValue: try context.parameters.require("id"))
    }

    func recordID(_ context: UIContext) throws -> RecordID {
        RecordID(rawValue: try context.parameters.require("id"))
    }

    /// Runs a library call; a refusal becomes a page in the library's words.
    func guarded(_ context: UIContext, _ title: String, _ body: () throws(CasebookError) -> Response) -> Response {
        do {
            return try body()
        } catch {
            return HTML.page(title, HTML.refusalBox(error), context: context, status: HTML.status(for: error))
        }
    }

    /// The people's names, for labels.
    func personName(_ id: PersonID) -> String {
        let people = (try? vault.organisation().people) ?? []
        return people.first { $0.id == id }?.name ?? Vault.short(id)
    }
}
