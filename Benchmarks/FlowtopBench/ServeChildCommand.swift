import ArgumentParser
import Foundation
import Logging
import RunStore
import RunStoreOpening
import ServiceLifecycle
import WorkflowCore
import WorkflowServer

/// The server side of `serve` and `soak`: `WorkflowServer` in this process on the scripted model at full speed,
/// every answer a fixed number of tokens. Run as a child so the server's memory is a process of its own.
struct ServeChildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-child",
        abstract: "Serve the preset workflows on the instant scripted model (the server the load benchmarks start).",
        discussion: """
            Prints "flowtop serve: listening on http://127.0.0.1:PORT (...)" when ready, as flowtop serve does, \
            and stops on SIGTERM or SIGINT.
            """
    )

    @Option(help: "The port (0 picks a free one).")
    var port = 0

    @Option(name: .customLong("answer-tokens"), help: "Tokens in every scripted answer.")
    var answerTokens = 50

    @Option(name: .customLong("max-runs"), help: "Runs allowed at once.")
    var maxRuns = 64

    @Option(help: "Where runs are stored: memory, sqlite:PATH or postgres://….")
    var store: StoreLocation = .memory

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard answerTokens > 0, maxRuns > 0 else { throw ValidationError("--answer-tokens and --max-runs must be positive") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let logger = Logger(label: "flowtop.bench.serve")
        let client = ScriptedChatClient(pace: .instant, fixedAnswerTokens: answerTokens)
        var workflows: [String: any Workflow] = [:]
        for name in PresetWorkflows.names {
            if let definition = try? WorkflowDefinitionLoader.resolve(name) { workflows[name] = definition.build(client: client) }
        }
        let catalog = WorkflowCatalog(defaultName: "research-writer", workflows: workflows)
        let configuration = ServerConfiguration(host: "127.0.0.1", port: port, maxConcurrentRuns: maxRuns)
        let modelLabel = client.model.description
        let storeWriter = try await store.startWriter(settings: StoreSettings(), logger: logger)
        let server = WorkflowServer(
            configuration: configuration, catalog: catalog, modelLabel: modelLabel, logger: logger, storeWriter: storeWriter)
        let app = server.makeApplication { port in
            let line = "flowtop serve: listening on http://127.0.0.1:\(port) (workflow \(catalog.defaultName), model \(modelLabel))\n"
            // Straight to the descriptor: the parent waits for this line.
            Array(line.utf8).withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        }
        let group = ServiceGroup(
            services: [app, server.drainService], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
