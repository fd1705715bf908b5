import ArgumentParser
import Synchronization
import WorkflowCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct WorkflowBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Run the research-writer workflow on the scripted model at full speed and print events/s.",
        discussion: """
            Each agent streams --tokens tokens as fast as the scripted model can make them. Printed: events/s \
            through the workflow core (agent loop, event sink, stream to a consumer), the scripted model's own cost \
            per token measured alone, the difference (what the core adds per event), and peak memory (max RSS). \
            Reference: a memchr scan of 64 bytes per event (about the events' size as flowtop wire text).
            """
    )

    @Option(help: "Tokens each of the two agents streams.")
    var tokens = 500_000

    @Option(help: "Runs; the median is reported.")
    var runs = 5

    func validate() throws {
        guard tokens > 0, runs > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() async throws {
        warnIfDebugBuild()
        let client = ScriptedChatClient(pace: .instant, fixedAnswerTokens: tokens)
        let workflow = try WorkflowDefinitionLoader.resolve("research-writer").build(client: client)
        print("flowtop bench workflow: research-writer, scripted model, \(tokens) tokens per agent, median of \(runs)")

        let counter = Atomic<Int>(0)
        let direct = await Stopwatch.medianAsync(runs: runs) {
            await WorkflowRunner.run(workflow, prompt: "Weather in Seattle, then a poem") { _ in
                counter.add(1, ordering: .relaxed)
            }
        }
        let residentAfterCallbackRuns = Self.maxResidentBytes()

        var streamDurations: [Duration] = []
        var events = 0
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let start = clock.now
            var count = 0
            for await _ in WorkflowRunner.events(of: workflow, prompt: "Weather in Seattle, then a poem") { count += 1 }
            streamDurations.append(clock.now - start)
            events = count
        }
        let modelOnly = try await Stopwatch.medianAsync(runs: runs) {
            let request = ChatRequest(agent: "Writer", messages: [.user("x")])
            for _ in 0..<2 {
                try await client.streamResponse(request) { _ in }
            }
        }
        let total = streamDurations.sorted()[runs / 2]
        let perEvent = total.seconds * 1e9 / Double(events)
        let directPerEvent = direct.seconds * 1e9 / Double(events)
        let modelPerToken = modelOnly.seconds * 1e9 / Double(tokens * 2)
        print("  \(events) events per run (text deltas, tool call, transitions, bookkeeping)")
        print("  delivered to a callback:         \(formatRate(Double(events) / direct.seconds)) events/s "
            + "(\(format3(directPerEvent)) ns/event)")
        print("  consumed from an AsyncStream:    \(formatRate(Double(events) / total.seconds)) events/s "
            + "(\(format3(perEvent)) ns/event; includes a task hand-off per event)")
        print("  scripted model alone:            \(format3(modelPerToken)) ns/token")
        print("  core adds (callback - model):    \(format3(directPerEvent - modelPerToken)) ns/event")
        let reference = Reference.memchrScan(bytes: events * 64, runs: runs)
        print("  reference, a memchr scan of \(format3(Double(events * 64) / 1e6)) MB (64 B per event): "
            + "\(format3(reference * 1000)) ms; the callback run takes \(Reference.ratio(direct.seconds, to: reference))")
        print("  peak memory (max RSS), \(format3(Double(tokens * 2) / 1e6)) M-token runs to a callback: "
            + "\(format3(Double(residentAfterCallbackRuns) / 1_048_576)) MiB")
        print("  peak memory after the AsyncStream runs (its buffer holds what the consumer has not read): "
            + "\(format3(Double(Self.maxResidentBytes()) / 1_048_576)) MiB")
    }

    static func maxResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return usage.ru_maxrss
        #endif
    }
}
