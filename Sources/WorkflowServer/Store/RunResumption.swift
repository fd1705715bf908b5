import Foundation
import RunStore
import WorkflowCore

/// `POST /api/runs/{id}/resume`: a run whose server died (`interrupted`, or still `running` with a lapsed lease)
/// goes on here from its last checkpoint, the end of its last completed agent turn. Only one instance can take it:
/// the lease is taken in the store first, atomically, so two servers asked at once resume it once.
struct RunResumption {
    let server: WorkflowServer

    func resume(_ id: String) async throws(ErrorAnswer) -> RunAnswer {
        RunAnswer(try await take(id))
    }

    /// Takes the run's lease and resumes it here; `responder` answers its requests for a person (nil: its desk,
    /// answered over the answer route).
    func take(_ id: String, responder: (any HumanResponder)? = nil) async throws(ErrorAnswer) -> RunRecord {
        guard let writer = server.storeWriter else {
            throw ErrorAnswer(status: .conflict, message: "this server keeps no run store (--store memory): nothing to resume")
        }
        // What this server holds is newer than the store (the writer is a beat behind).
        if let record = server.registry.run(id: id) {
            let state = record.summary.state
            throw ErrorAnswer(
                status: .conflict,
                message: state == .running
                    ? "run '\(id)' is running on this server"
                    : "run '\(id)' is \(state.rawValue); only an interrupted run can be resumed")
        }
        let store = writer.store
        let found: StoredRun?
        let saved: RunCheckpoint?
        do throws(RunStoreError) {
            found = try await store.run(id: id)
            saved = try await store.checkpoint(ofRun: id)
        } catch {
            throw error.answer
        }
        guard let stored = found else { throw ErrorAnswer(status: .notFound, message: "no run with id '\(id)'") }
        guard stored.source == RunRecord.Source.workflow.rawValue else {
            throw ErrorAnswer(status: .conflict, message: "run '\(id)' is a traced run: its app, not flowtop, runs it")
        }
        guard stored.state == .interrupted || stored.state == .running else {
            throw ErrorAnswer(
                status: .conflict,
                message: "run '\(id)' is \(stored.state.rawValue); only an interrupted run can be resumed")
        }
        guard let workflow = server.catalog.workflow(named: stored.workflow) else {
            throw ErrorAnswer(
                status: .unprocessableContent,
                message: "run '\(id)' ran workflow '\(stored.workflow)', which this server does not offer (it offers \(server.catalog.names.joined(separator: ", ")))")
        }
        let checkpoint: WorkflowCheckpoint?
        do {
            checkpoint = try saved.map { try WorkflowCheckpoint(json: $0.json) }
        } catch {
            throw ErrorAnswer(status: .unprocessableContent, message: "run '\(id)': its stored checkpoint is unreadable (\(error))")
        }
        let taken: Bool
        var owner: String?
        do throws(RunStoreError) {
            let expires = Date().addingTimeInterval(writer.settings.leaseDuration.seconds)
            taken = try await store.acquireLease(runId: id, owner: writer.instance, expires: expires)
            if !taken { owner = try await store.run(id: id)?.owner }
        } catch {
            throw error.answer
        }
        guard taken else {
            throw ErrorAnswer(status: .conflict, message: "run '\(id)' is owned by \(owner ?? "another instance"), whose lease still holds")
        }
        do {
            return try server.registry.resume(stored, workflow: workflow, from: checkpoint, responder: responder)
        } catch {
            throw error.answer(server.configuration)
        }
    }
}
