import ArgumentParser
import DashboardApp
import Foundation
import RemoteStream
import RunStore
import RunStoreOpening
import WorkflowCore

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play back a recording made with --record, or a stored run, at the pace it was recorded.",
        discussion: """
              flowtop demo --record demo.ndjson
              flowtop replay demo.ndjson --speed 4
              flowtop replay demo.ndjson --speed max --plain
              flowtop replay http://127.0.0.1:7071/api/runs/run_1a2b3c --api-key "$KEY"
              flowtop replay --store sqlite:runs.sqlite run_1a2b3c --speed max --plain
            """
    )

    @Argument(help: "A recording written by `run`, `demo` or `attach` with --record; a stored run's address (http://HOST/api/runs/ID); or, with --store, a run id.")
    var file: String

    @Option(help: ArgumentHelp("Replay a run from this store (sqlite:PATH); the argument is then the run's id.", valueName: "store"))
    var store: StoreLocation?

    @OptionGroup var access: ServerAccessOptions

    @Option(help: "How much faster than recorded to play: a number (2, 0.5) or max.")
    var speed: ReplaySpeed = .factor(1)

    @OptionGroup var output: OutputOptions
    @OptionGroup var dashboard: DashboardOptions

    func validate() throws {
        try output.validate()
    }

    func run() async throws {
        let recording: Recording
        do {
            if let store {
                recording = try await StoredRunRecording.load(id: file, from: store)
            } else if file.hasPrefix("http://") || file.hasPrefix("https://") {
                recording = try await StoredRunRecording.load(url: file, access: access.headers)
            } else {
                recording = try Recording(contentsOf: file)
            }
        } catch {
            throw CommandLineFailure(error.message).exit()
        }
        let factor = speed.factor
        let showsDashboard = ConsoleChoice.showsDashboard(output)
        let notice = recording.truncationNotice
        let produce: @Sendable (@escaping @Sendable (WorkflowEvent) -> Void) async -> Void = { yield in
            let clock = ContinuousClock()
            let start = clock.now
            for (offset, event) in recording.events {
                if let factor {
                    let due = start + .milliseconds(Int64((offset / factor).rounded()))
                    do { try await clock.sleep(until: due) } catch { return }
                }
                if Task.isCancelled { return }
                yield(event)
            }
            if let notice {
                let next = (recording.events.last?.event.sequence ?? 0) + 1
                yield(WorkflowEvent(sequence: next, timestamp: recording.events.last?.event.timestamp ?? 0,
                                    kind: .warning(agent: nil, message: notice)))
            }
        }
        let status: Int32
        if showsDashboard {
            do {
                status = try await DashboardRun.show(options: dashboard) { inbox in
                    inbox.setConnection(.replay(speed: speed.factor))
                    await produce { inbox.append($0) }
                }
            } catch {
                throw error.exit()
            }
        } else {
            status = await WorkflowConsole.show(format: output.json ? .json : .plain, stopNotice: "the replay was stopped", produce: produce)
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// `replay --speed`: a positive factor, or `max` for no waiting at all.
enum ReplaySpeed: ExpressibleByArgument, Hashable, CustomStringConvertible {
    case factor(Double)
    case max

    init?(argument: String) {
        if argument == "max" {
            self = .max
        } else if let value = Double(argument), value > 0, value.isFinite {
            self = .factor(value)
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { ["max"] }
    static var defaultCompletionKind: CompletionKind { .list(["0.5", "1", "2", "10", "max"]) }

    var description: String {
        switch self {
        case let .factor(value): value == value.rounded() && value < 1e15 ? String(Int(value)) : String(value)
        case .max: "max"
        }
    }

    /// How much faster than recorded; nil plays as fast as possible.
    var factor: Double? {
        if case let .factor(value) = self { return value }
        return nil
    }
}
