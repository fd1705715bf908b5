import Foundation
import HTTPTypes
import RunStore
import WorkflowCore

/// `POST /api/runs/{id}/resume`: a run whose server died (`interrupted`, or still `running` with a lapsed lease)
/// goes on here from its last checkpoint, the end of its last completed agent turn. Only one instance can take it:
/// the lease is taken in the store first, atomically, so two servers asked at once resume it once.
struct RunResumption {
    let server: WorkflowServer

    func resume(_ id: String) async throws(ErrorAnswer) -> RunAnswer {
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
        let stored: StoredRun
        let saved: RunCheckpoint?
        do {
            guard let found = try await store.run(id: id) else {
                throw ErrorAnswer(status: .notFound, message: "no run with id '\(id)'")
            }
            stored = found
            saved = try await store.checkpoint(ofRun: id)
        } catch let error as ErrorAnswer {
            throw error
        } catch {
            throw ErrorAnswer(status: .serviceUnavailable, message: "\(error)")
        }
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
        do {
            let expires = Date().addingTimeInterval(writer.settings.leaseDuration.seconds)
            guard try await store.acquireLease(runId: id, owner: writer.instance, expires: expires) else {
                let owner = try await store.run(id: id)?.owner
                throw ErrorAnswer(status: .conflict, message: "run '\(id)' is owned by \(owner ?? "another instance"), whose lease still holds")
            }
        } catch let error as ErrorAnswer {
            throw error
        } catch {
            throw ErrorAnswer(status: .serviceUnavailable, message: "\(error)")
        }
        let configuration = server.configuration
        do {
            return RunAnswer(try server.registry.resume(stored, workflow: workflow, from: checkpoint))
        } catch {
            let retryAfter: HTTPFields = [.retryAfter: String(configuration.retryAfterSeconds)]
            switch error {
            case .tooManyRuns:
                throw ErrorAnswer(
                    status: .tooManyRequests,
                    message: "too many concurrent runs (limit \(configuration.maxConcurrentRuns)); retry later", headers: retryAfter)
            case .shuttingDown:
                throw ErrorAnswer(status: .serviceUnavailable, message: "the server is shutting down", headers: retryAfter)
            }
        }
    }
}
