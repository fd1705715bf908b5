import WorkflowCore

/// Runs in this process that are kept in the run store as `serve` keeps them — `flowtop run --store` and
/// `flowtop run --resume`: the same registry, store writer, checkpoints and resume as the server's, with no HTTP
/// in between. Watch one through `RegistryRunSource`.
extension WorkflowServer {
    /// Why a run could not be started or resumed here, in words for the command line.
    public struct LocalRunRefusal: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Starts the catalog's default workflow on `prompt`; returns the run's id. `responder` answers its requests
    /// for a person (nil: the run's desk, see `answer`).
    public func startLocalRun(prompt: String, responder: (any HumanResponder)?) throws(LocalRunRefusal) -> String {
        guard let workflow = catalog.workflow(named: nil) else {
            throw LocalRunRefusal(message: "no workflow '\(catalog.defaultName)' to run")
        }
        do {
            return try registry.start(
                workflow: workflow, prompt: prompt, model: modelLabel, detached: true, responder: responder).id
        } catch {
            throw LocalRunRefusal(message: error.answer(configuration).message)
        }
    }

    /// Resumes the stored run `id` here from its last checkpoint, as `POST /api/runs/{id}/resume` does (its lease
    /// taken first); the refusal says why not (unknown, finished, owned by a live instance, another workflow).
    public func resumeLocalRun(_ id: String, responder: (any HumanResponder)?) async throws(LocalRunRefusal) -> String {
        do {
            return try await RunResumption(server: self).take(id, responder: responder).id
        } catch {
            throw LocalRunRefusal(message: error.message)
        }
    }

    /// A person's answer to one of a local run's requests, for its desk; nil when taken, else why not.
    public func answer(run id: String, request requestId: String, with response: HumanResponse) -> String? {
        guard let record = registry.run(id: id) else { return "no run \(id)" }
        return record.desk.answer(requestId, with: response).refusal
    }
}
