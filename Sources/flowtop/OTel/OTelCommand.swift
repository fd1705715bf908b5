import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TraceGRPC
import TraceIngest
import TraceRunBuilder

struct OTelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otel",
        abstract: "Receive OpenTelemetry traces (OTLP) from an agent app and watch its runs: one trace is one run.",
        discussion: """
            Listens for OTLP/HTTP (POST /v1/traces, protobuf or JSON, gzip) and OTLP/gRPC, as a collector does; \
            metrics and logs are accepted and ignored. Agent Framework's workflow spans and the GenAI conventions \
            (invoke_agent, chat, execute_tool) become panes, tool calls, transitions and usage; see docs/OTLP.md.

              OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf python app.py
              flowtop otel --json | jq -c 'select(.type == "tool_call")'
            """
    )

    @Option(help: "The address to listen on (loopback unless told otherwise).")
    var host = "127.0.0.1"

    @Option(help: "The OTLP/HTTP port (0 picks a free one).")
    var port = 4318

    @Option(name: .customLong("grpc-port"), help: "The OTLP/gRPC port (0 picks a free one).")
    var grpcPort = 4317

    @Flag(name: .customLong("no-grpc"), help: "Do not listen for OTLP/gRPC.")
    var noGRPC = false

    @Option(name: .customLong("max-body"), help: "Largest request body in bytes, as sent and once inflated ×4; larger gets 413.")
    var maxBody = 8 << 20

    @Option(help: "Finished runs the list keeps; past it the oldest are let go.")
    var keep = 500

    @Option(help: "How much to log (to standard error; nothing while the dashboard is up).")
    var logLevel: Logger.Level = .warning

    @OptionGroup var output: OutputOptions
    @OptionGroup var dashboard: DashboardOptions

    func validate() throws {
        try output.validate()
        guard (0...65535).contains(port), (0...65535).contains(grpcPort) else {
            throw ValidationError("--port and --grpc-port must be 0...65535")
        }
        guard maxBody > 0 else { throw ValidationError("--max-body must be positive") }
        guard keep > 0 else { throw ValidationError("--keep must be positive") }
    }

    func run() async throws {
        let onDashboard = ConsoleChoice.showsDashboard(output)
        let level = onDashboard ? Logger.Level.critical : logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let listeners = OTelListeners(
            host: host, port: port, grpcPort: noGRPC ? nil : grpcPort,
            limits: OTLPLimits(maxBodyBytes: maxBody, maxDecompressedBytes: maxBody * 4))
        let status: Int32
        do {
            if onDashboard {
                status = try await OTelHome.show(listeners: listeners, options: dashboard, keep: keep)
            } else {
                let console = OTelConsole(format: output.json ? .json : .plain)
                let receiver = TraceReceiver(deliver: console.print, onCounters: console.noteCounters)
                try await listeners.serve(receiver) { announcement in printError(announcement) }
                receiver.endAll()
                status = 0
            }
        } catch {
            throw error.exit()
        }
        if status != 0 { throw ExitCode(status) }
    }
}
