import DashboardApp
import Foundation
import Logging
import RemoteStream
import RunStore
import RunStoreOpening
import WorkflowCore
import WorkflowServer

/// `flowtop run --store` and `flowtop run --resume`: a run in this process kept in a run store as `serve` keeps
/// its runs (events in batches off the streaming path, a checkpoint at each completed agent turn, a lease), so a
/// run whose process died can be resumed by the next one. It runs in the server's registry, without HTTP, and is
/// watched as `flowtop otel` watches its runs (`RegistryRunSource`); the console and the dashboard show it as they
/// show any run.
struct StoredLocalRun {
    let location: StoreLocation
    let lease: Duration
    let options: WorkflowOptions
    let pace: ScriptedChatClient.Pace
    let output: OutputOptions
    let dashboard: DashboardOptions
    let humanLoop: HumanLoopOptions
    let recorder: RecordingWriter?

    func start(_ prompt: String) async throws(CommandLineFailure) -> Int32 {
        try await host(fallback: WorkflowOptions.defaultWorkflow) { server, responder throws(CommandLineFailure) in
            do throws(WorkflowServer.LocalRunRefusal) {
                return try server.startLocalRun(prompt: prompt, responder: responder)
            } catch {
                throw CommandLineFailure(error.message)
            }
        }
    }

    func resume(_ id: String) async throws(CommandLineFailure) -> Int32 {
        try await host(fallback: nil, resuming: id) { server, responder throws(CommandLineFailure) in
            do throws(WorkflowServer.LocalRunRefusal) {
                return try await server.resumeLocalRun(id, responder: responder)
            } catch {
                throw CommandLineFailure("cannot resume: \(error.message)")
            }
        }
    }

    /// Opens the store, prepares the workflow (with `fallback`, or the resumed run's own when nil), begins the run
    /// with `begin` and shows it to its end; the store has every event when this returns.
    private func host(
        fallback: String?, resuming id: String? = nil,
        begin: (WorkflowServer, (any HumanResponder)?) async throws(CommandLineFailure) -> String
    ) async throws(CommandLineFailure) -> Int32 {
        let showsDashboard = ConsoleChoice.showsDashboard(output)
        var logger = Logger(label: "flowtop.run")
        // The dashboard owns the screen: only what stops the run may reach stderr then.
        logger.logLevel = showsDashboard ? .critical : .warning
        // Once the writer started, a lapsed lease (the run's process died) reads as interrupted.
        let started: StoreWriter?
        do throws(RunStoreError) {
            started = try await location.startWriter(settings: StoreSettings(leaseDuration: lease), logger: logger)
        } catch {
            throw CommandLineFailure("\(error)")
        }
        guard let writer = started else {
            throw CommandLineFailure("--store memory keeps nothing: name a file (sqlite:PATH) or a PostgreSQL server")
        }
        let prepared: PreparedWorkflow
        do {
            var workflow = fallback ?? WorkflowOptions.defaultWorkflow
            if fallback == nil, let id, let stored = try await writer.store.run(id: id) { workflow = stored.workflow }
            prepared = try await options.prepare(defaultPace: pace, fallback: workflow)
        } catch let error as CommandLineFailure {
            await writer.finish()
            throw error
        } catch {
            await writer.finish()
            throw CommandLineFailure("\(error)")
        }
        var configuration = ServerConfiguration(runTimeout: .seconds(7 * 86_400), eventBufferLimit: 100_000)
        configuration.requestTimeout = humanLoop.timeout
        let server = WorkflowServer(
            configuration: configuration,
            catalog: WorkflowCatalog(defaultName: prepared.workflow.name, workflows: [prepared.workflow.name: prepared.workflow]),
            modelLabel: prepared.modelLabel, logger: logger, storeWriter: writer)
        let status: Int32
        do {
            let terminal = isatty(STDIN_FILENO) != 0
            // The dashboard answers at the run's desk; the console asks as `run` always does.
            let runId = try await begin(server, showsDashboard ? nil : humanLoop.consoleResponder(terminal: terminal))
            status = try await show(runId, on: server, dashboard: showsDashboard, terminal: terminal)
        } catch {
            await writer.finish()
            try? await prepared.shutdown()
            throw error
        }
        await writer.finish()
        try? await prepared.shutdown()
        return status
    }

    /// Shows run `id` until it ends; stopping the show (q, Ctrl-C) cancels the run, whose last event still shows.
    private func show(
        _ id: String, on server: WorkflowServer, dashboard showsDashboard: Bool, terminal: Bool
    ) async throws(CommandLineFailure) -> Int32 {
        let source = RegistryRunSource(registry: server.registry, label: location.description)
        let recorder = recorder
        let produce: @Sendable (@escaping @Sendable (WorkflowEvent) -> Void) async -> Void = { yield in
            // Not a child task: cancelling the show stops the run, and the follower goes on to its last event.
            let following = Task {
                await source.events(ofRun: id, onEvent: { event in
                    recorder?.record(event)
                    yield(event)
                }, onConnection: { _ in })
            }
            await withTaskCancellationHandler {
                await following.value
            } onCancel: {
                server.registry.stopAll(reason: "the run was cancelled")
            }
        }
        defer { recorder?.close() }
        if showsDashboard {
            return try await DashboardRun.show(
                options: dashboard, onAnswer: { server.answer(run: id, request: $0, with: $1) }
            ) { inbox in
                await produce { inbox.append($0) }
            }
        }
        return await WorkflowConsole.show(format: output.json ? .json : .plain, asksOnTerminal: terminal, produce: produce)
    }
}
