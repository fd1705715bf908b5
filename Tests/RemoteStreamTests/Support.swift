import EventStream
import Foundation
import LoopbackHTTP
import RemoteStream
import Synchronization
import Wire
import WorkflowCore

enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    /// The events of a `flowtop run --json` capture.
    static func flowtopEvents(_ name: String) throws -> [WorkflowEvent] {
        let text = String(decoding: try bytes(name), as: UTF8.self)
        return try text.split(separator: "\n").map { try FlowtopWireDecoder.decode(json: String($0)) }
    }

    /// Those events as flowtop's SSE: one event each, `id:` = sequence.
    static func flowtopSSE(_ events: [WorkflowEvent]) throws -> [[UInt8]] {
        var encoder = SSEEncoder()
        return try events.map { try encoder.encode(FlowtopWireFormat.sseEvent(for: $0)) }
    }
}

import Testing

/// Collects what an attach delivers.
final class Collected: Sendable {
    private let storage = Mutex<(events: [WorkflowEvent], states: [ConnectionState], skipped: [[String: Int]])>(([], [], []))
    var events: [WorkflowEvent] { storage.withLock { $0.events } }
    var states: [ConnectionState] { storage.withLock { $0.states } }
    /// Each skipped-event count `onSkipped` reported, in order.
    var skipped: [[String: Int]] { storage.withLock { $0.skipped } }
    func add(skipped counts: [String: Int]) { storage.withLock { $0.skipped.append(counts) } }
    func add(_ event: WorkflowEvent) { storage.withLock { $0.events.append(event) } }
    func add(_ state: ConnectionState) { storage.withLock { $0.states.append(state) } }
}

/// Attaches to `server` at `path` and returns the decoded events, the outcome and the connection states.
func attach(
    _ server: LoopbackServer, path: String = "/stream", body: String? = nil, format: WireDialect? = nil,
    headers: [(name: String, value: String)] = [], secrets: [String] = [],
    policy: ReconnectPolicy = ReconnectPolicy(initialDelayMilliseconds: 10, maxDelayMilliseconds: 50, maxAttempts: 3),
    clock: any Clock<Duration> = ContinuousClock()
) async -> (events: [WorkflowEvent], outcome: RemoteAttach.Outcome, states: [ConnectionState], skipped: [[String: Int]]) {
    let client = EventSourceClient(policy: policy, clock: clock)
    let collected = Collected()
    let request = EventSourceRequest(url: server.baseURL + path, body: body.map { Array($0.utf8) }, headers: headers, secrets: secrets)
    let outcome = await RemoteAttach.run(
        request, client: client, format: format, agentName: nil,
        onState: { collected.add($0) }, onSkipped: { collected.add(skipped: $0) }, onEvent: { collected.add($0) })
    await client.shutdown()
    return (collected.events, outcome, collected.states, collected.skipped)
}

/// The events a decoder makes from `bytes` read in one go, for comparison (timestamps dropped).
func decodeDirectly(_ bytes: [UInt8], agentName: String? = nil, workflowName: String) throws -> [WorkflowEvent.Kind] {
    var parser = SSEParser()
    var decoder = AutoStreamDecoder(agentName: agentName, workflowName: workflowName)
    var kinds: [WorkflowEvent.Kind] = []
    for event in try parser.parse(bytes) {
        kinds += decoder.decode(event, at: 0).map(\.kind)
    }
    if !kinds.contains(where: { if case .runCompleted = $0 { return true }; if case .runFailed = $0 { return true }; return false }) {
        kinds += decoder.finish(at: 0).map(\.kind)
    }
    return kinds
}

/// Event kinds with the bits that depend on time removed (durations, which decoders compute from arrival times).
func comparable(_ kinds: [WorkflowEvent.Kind]) -> [WorkflowEvent.Kind] {
    kinds.map { kind in
        switch kind {
        case var .toolResult(info): info.durationMs = 0; return .toolResult(info)
        case let .runCompleted(agent, usage, _): return .runCompleted(finalAgent: agent, usage: usage, durationMs: 0)
        default: return kind
        }
    }
}
