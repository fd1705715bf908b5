import ArgumentParser
import Foundation
import Logging
import RunStore
import RunStoreOpening
import ServiceLifecycle
import WorkflowCore
import WorkflowServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve workflows over HTTP as Server-Sent Events (a drop-in for the Agent Framework sample).",
        discussion: """
            POST /api/workflow/stream {"message": "..."} streams the run (format flowtop, text or agui); \
            POST /api/agui takes AG-UI's RunAgentInput; GET /api/runs and /api/runs/{id}/events watch runs; \
            GET /api/health. SIGTERM/SIGINT drain running streams, then stop.

              flowtop serve --pace demo
              curl -N -X POST localhost:7071/api/workflow/stream -H 'Content-Type: application/json' \\
                -d '{"message":"Research Seattle weather and create a report"}'
            """
    )

    @Option(help: "The address to listen on (loopback unless told otherwise).")
    var host = "127.0.0.1"

    @Option(help: "The port (0 picks a free one).")
    var port = 7071

    @Option(name: .shortAndLong, help: "The default workflow: a preset name (\(PresetWorkflows.names.joined(separator: ", "))) or a workflow file. Every preset is also offered by name.")
    var workflow = "research-writer"

    @OptionGroup var modelChoice: ModelChoice

    @Option(help: "The model provider's API key (prefer the provider's environment variable).")
    var providerApiKey: String?

    @Option(help: "Require this key from clients (x-functions-key header, ?code= or Authorization: Bearer). Default: $FLOWTOP_API_KEY.")
    var apiKey: String?

    @Option(help: "Runs allowed at once (1,000 held without errors in docs/PERFORMANCE.md); more get 429 with Retry-After.")
    var maxRuns = 1_000

    @Option(help: "Seconds a run may take before it ends with an error event (time waiting on a person not counted).")
    var runTimeout = 230.0

    @Option(help: "Seconds a request for approval or an answer may wait before its run fails.")
    var requestTimeout = 600.0

    @Option(help: "Seconds between keepalive comments on a quiet stream.")
    var keepalive = 15.0

    @Option(help: "Seconds running streams get to finish after SIGTERM/SIGINT.")
    var shutdownGrace = 10.0

    @Option(help: "Largest request body in bytes; larger gets 413.")
    var maxBody = 1 << 20

    @Option(help: ArgumentHelp(
        "Where runs outlive the process: memory, sqlite:PATH or postgres://USER:PASSWORD@HOST/DATABASE. Default: $FLOWTOP_STORE, else sqlite:$XDG_DATA_HOME/flowtop/runs.sqlite (~/.local/share/flowtop/).",
        valueName: "store"))
    var store: StoreLocation?

    @Option(help: ArgumentHelp("Prune finished runs older than this (30m, 12h, 7d).", valueName: "age"))
    var retain: RetentionAge?

    @Option(help: "Keep at most this many runs (the oldest finished ones go first).")
    var retainRuns: Int?

    /// How long a run's lease holds: a restarted server marks a dead server's runs interrupted once it lapsed.
    @Option(help: .hidden)
    var storeLease = 30.0

    @Option(help: "How much to log (to standard error).")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        if let retainRuns, retainRuns < 1 { throw ValidationError("--retain-runs must be positive") }
        guard storeLease > 0 else { throw ValidationError("--store-lease must be positive") }
        guard maxRuns > 0 else { throw ValidationError("--max-runs must be positive") }
        guard runTimeout > 0, keepalive > 0, requestTimeout > 0, shutdownGrace >= 0 else {
            throw ValidationError("--run-timeout, --request-timeout and --keepalive must be positive, --shutdown-grace not negative")
        }
    }

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "flowtop.serve")

        let prepared: PreparedWorkflow
        do {
            prepared = try await modelChoice.prepare(
                workflow: workflow, apiKey: providerApiKey, defaultPace: .realistic)
        } catch {
            throw error.exit()
        }
        var workflows: [String: any Workflow] = [:]
        for name in PresetWorkflows.names {
            if let definition = try? WorkflowDefinitionLoader.resolve(name) { workflows[name] = prepared.build(definition) }
        }
        let defaultName = prepared.definition.name
        workflows[defaultName] = prepared.workflow
        if PresetWorkflows.names.contains(workflow) { workflows[workflow] = prepared.workflow }
        let catalog = WorkflowCatalog(defaultName: PresetWorkflows.names.contains(workflow) ? workflow : defaultName,
                                      workflows: workflows)

        let key = apiKey ?? ProcessInfo.processInfo.environment["FLOWTOP_API_KEY"]
        var settings = ServerConfiguration(
            host: host, port: port, maxConcurrentRuns: maxRuns, runTimeout: .milliseconds(Int(runTimeout * 1000)),
            keepaliveInterval: .milliseconds(Int(keepalive * 1000)), maxBodyBytes: maxBody,
            apiKey: key.flatMap { $0.isEmpty ? nil : $0 }, shutdownGracePeriod: .milliseconds(Int(shutdownGrace * 1000)))
        settings.requestTimeout = .milliseconds(Int(requestTimeout * 1000))
        let configuration = settings
        let storeWriter: StoreWriter?
        do {
            storeWriter = try await openStore(logger: logger)
        } catch {
            try? await prepared.shutdown()
            throw error
        }
        let server = WorkflowServer(
            configuration: configuration, catalog: catalog, modelLabel: prepared.modelLabel, logger: logger,
            storeWriter: storeWriter)
        let host = host
        let modelLabel = prepared.modelLabel
        let app = server.makeApplication { port in
            let display = host.contains(":") ? "[\(host)]" : host
            let line = "flowtop serve: listening on http://\(display):\(port) (workflow \(catalog.defaultName), model \(modelLabel)\(configuration.apiKey == nil ? "" : ", API key required"))\n"
            // Straight to the file descriptor: scripts and tests wait for this line, so it must not sit in a buffer.
            Array(line.utf8).withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        }
        let group = ServiceGroup(
            services: [app, server.drainService], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await group.run()
        } catch {
            try? await prepared.shutdown()
            throw CommandLineFailure("\(error)").exit()
        }
        try await prepared.shutdown()
    }

    /// The store `--store` (else `FLOWTOP_STORE`, else the default file) names, opened, its dead runs marked
    /// interrupted and pruned; nil for memory. A store that cannot be opened is an error that names it.
    private func openStore(logger: Logger) async throws -> StoreWriter? {
        let location: StoreLocation
        if let store {
            location = store
        } else if let text = ProcessInfo.processInfo.environment["FLOWTOP_STORE"], !text.isEmpty {
            do {
                location = try StoreLocation(parsing: text)
            } catch {
                throw CommandLineFailure("FLOWTOP_STORE: \(error)").exit()
            }
        } else {
            location = .defaultSQLite()
        }
        do {
            let settings = StoreSettings(
                leaseDuration: .milliseconds(Int(storeLease * 1000)), retainAge: retain?.duration, retainRuns: retainRuns)
            guard let writer = try await location.startWriter(settings: settings, logger: logger) else { return nil }
            logger.info("runs are stored", metadata: ["store": .string(writer.store.description)])
            return writer
        } catch {
            throw CommandLineFailure("\(error)").exit()
        }
    }
}
