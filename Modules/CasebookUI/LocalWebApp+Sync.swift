import CasebookModels
import CasebookSync
import Foundation
import Hummingbird
import Synchronization

/// One sync job at a time: what it is doing now (the sync engine's progress callbacks) and how it ended.
struct SyncJob: Sendable {
    var running = false
    var phase: String?
    var pushed = 0
    var pulled = 0
    var summary: String?
    var failure: CasebookError?
    var generation = 0
}

/// "Sync now" with progress (ADR 0023): `POST /sync` starts the same sync as `casebook sync` in the
/// background and answers at once with a redirect to `GET /sync`, a page that reloads itself every
/// second (a meta refresh: no script) and shows the phase and counts until the sync ends.
extension LocalWebApp {
    func startSync(_ c: UIContext) -> Response {
        guard let sync = hooks.sync else {
            return admin(c, error: CasebookError(.invalidInput, "this vault is standalone: there is no server to sync with"))
        }
        let started: Int? = syncJob.withLock { job in
            guard !job.running else { return nil }
            job = SyncJob(running: true, phase: "starting", generation: job.generation + 1)
            return job.generation
        }
        guard let generation = started else { return HTML.redirect("/sync") }  // already running: show it
        Task.detached { [self] in
            let progress: @Sendable (SyncProgress) -> Void = { p in
                self.syncJob.withLock { job in
                    guard job.generation == generation else { return }
                    job.phase = p.phase.rawValue
                    job.pushed = p.pushed
                    job.pulled = p.pulled
                }
            }
            let outcome: Result<String, CasebookError>
            do {
                outcome = .success(try await sync(progress))
            } catch let error as CasebookError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(CasebookError(.network, "the sync failed; nothing was lost, and it can be tried again"))
            }
            self.syncJob.withLock { job in
                guard job.generation == generation else { return }
                job.running = false
                switch outcome {
                case .success(let summary): job.summary = summary
                case .failure(let error): job.failure = error
                }
            }
        }
        return HTML.redirect("/sync")
    }

    /// `GET /sync`: the job's progress (refreshing every second while it runs), or how it ended.
    func syncStatus(_ c: UIContext) -> Response {
        let job = syncJob.withLock { $0 }
        if job.running {
            let body = """
                <p class="notice" id="sync-progress" data-phase="\(HTML.e(job.phase ?? ""))">Syncing: \(HTML.e(job.phase ?? "starting"))… \
                \(job.pushed) sent, \(job.pulled) received so far.</p><p class="muted">This page refreshes every second.</p>
                """
            return HTML.page("Sync", body, context: c, refresh: 1)
        }
        if let failure = job.failure { return admin(c, error: failure) }
        if let summary = job.summary { return admin(c, notice: summary) }
        return HTML.redirect("/admin")
    }
}
