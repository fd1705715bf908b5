import ArgumentParser
import Dashboard
import DashboardApp
import Foundation
import RemoteStream
import Wire
import WorkflowCore

struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "The live list of a flowtop server's runs; Enter opens one's dashboard, Esc comes back.",
        discussion: """
            Follows the server's runs feed (GET /api/runs/feed): state, run id, workflow, current agent, agents, \
            tokens, tool calls, elapsed, events/s and start time, newest first. / filters, 1-9 and 0 sort by a \
            column (again: reversed), ↑↓ j k PgUp PgDn g G select, Enter opens the run's dashboard, Esc or q \
            there comes back, q or Ctrl-C quits. When standard output is not a terminal (or with --plain) it \
            prints the runs once as a table; --json prints one summary per line.

              flowtop top
              flowtop top http://127.0.0.1:7071 --api-key "$KEY"
              flowtop top --json | jq -c 'select(.state == "running")'
            """
    )

    @Argument(help: "The flowtop server's base URL.")
    var url = "http://127.0.0.1:7071"

    @OptionGroup var access: ServerAccessOptions

    @Option(help: "Runs kept in the list; past it the oldest finished ones are let go.")
    var keep = 500

    @Option(name: .customLong("max-reconnects"), help: "Give up after this many reconnection attempts in a row.")
    var maxReconnects: Int = 10

    @Flag(help: "Print the runs once as a table (the default when not on a terminal).")
    var plain = false

    @Flag(help: "Print the runs once, one JSON summary per line.")
    var json = false

    @OptionGroup var dashboard: DashboardOptions

    func validate() throws {
        if plain && json { throw ValidationError("choose one of --plain and --json") }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host != nil
        else { throw ValidationError("the URL must be an http:// or https:// URL") }
        if keep < 1 { throw ValidationError("--keep must be 1 or more") }
        if maxReconnects < 0 { throw ValidationError("--max-reconnects must be 0 or more") }
    }

    func run() async throws {
        let given = access.headers
        let source = RemoteRunSource(
            baseURL: url, headers: given.headers, secrets: given.secrets, policy: ReconnectPolicy(maxAttempts: maxReconnects))
        let status: Int32
        if !plain && !json && isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0 {
            status = await showList(source)
        } else {
            status = await printOnce(source)
        }
        await source.shutdown()
        if status != 0 { throw ExitCode(status) }
    }

    private func showList(_ source: RemoteRunSource) async -> Int32 {
        let theme: Theme
        let backend: NcursesBackend
        do {
            (theme, backend) = try dashboard.openScreen(for: "the runs list")
        } catch {
            printError("flowtop: error: \(error.message)")
            return 1
        }
        let outcome = await RunListLoop(backend: backend, theme: theme, source: source, keep: keep).run()
        // A feed that stopped for good (401, gave up) says why after the screen is gone.
        if case let .closed(reason) = outcome.state.connection, !reason.isEmpty {
            printError("flowtop: error: \(source.feedURL): \(reason)")
            return 1
        }
        return outcome.reason.exitStatus
    }

    private func printOnce(_ source: RemoteRunSource) async -> Int32 {
        let runs: [RunSummary]
        do {
            runs = try await source.snapshot()
        } catch {
            printError("flowtop: error: \(error.status == 401 ? error.message + " (pass --api-key)" : error.message)")
            return 1
        }
        var state = RunListState(source: source.label, keep: max(keep, runs.count))
        state.now = Date().timeIntervalSince1970
        _ = state.update(.feed(.snapshot(runs)))
        var text = ""
        if json {
            var bytes: [UInt8] = []
            for run in state.visible {
                RunFeedWire.appendJSON(for: run, now: state.now, to: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            text = RunListView.table(state, width: 120) + "\n"
        }
        FileHandle.standardOutput.write(Data(text.utf8))
        return 0
    }
}
