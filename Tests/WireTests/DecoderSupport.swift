import EventStream
import Foundation
import Testing
import Wire
import WorkflowCore

/// Shared helpers: real captures from Fixtures/ (copied from shared/captures) and a deterministic clock.
enum Capture {
    static func events(_ name: String) throws -> [SSEEvent] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        var parser = SSEParser()
        return try parser.parse(Array(try Data(contentsOf: url)))
    }
}

/// The result of feeding a whole stream to a decoder: event `i` arrives at `1000 + i` seconds, `finish` one later.
struct Decoded {
    var events: [WorkflowEvent]
    var fromFinish: [WorkflowEvent]
    var all: [WorkflowEvent] { events + fromFinish }

    init(_ decoder: inout some RemoteStreamDecoder, _ input: [SSEEvent]) {
        events = []
        for (index, event) in input.enumerated() { events += decoder.decode(event, at: 1000 + Double(index)) }
        fromFinish = decoder.finish(at: 1000 + Double(input.count))
    }

    var kinds: [WorkflowEvent.Kind] { all.map(\.kind) }

    var agentsStarted: [String] {
        kinds.compactMap { if case let .agentStarted(agent) = $0 { return agent } else { return nil } }
    }

    func text(of agent: String) -> String {
        kinds.reduce(into: "") { if case let .textDelta(a, _, text) = $1, a == agent { $0 += text } }
    }

    var allText: String { kinds.reduce(into: "") { if case let .textDelta(_, _, text) = $1 { $0 += text } } }

    func reasoning(of agent: String) -> String {
        kinds.reduce(into: "") { if case let .reasoningDelta(a, _, text) = $1, a == agent { $0 += text } }
    }

    func arguments(of callId: String) -> String {
        kinds.reduce(into: "") {
            if case let .toolCallArgumentsDelta(_, id, delta) = $1, id == callId { $0 += delta }
            if case let .toolCallStarted(_, id, _, arguments) = $1, id == callId { $0 += arguments }
        }
    }

    var toolCalls: [(agent: String, callId: String, tool: String)] {
        kinds.compactMap { if case let .toolCallStarted(agent, id, tool, _) = $0 { return (agent, id, tool) } else { return nil } }
    }

    var toolResults: [WorkflowEvent.ToolResultInfo] {
        kinds.compactMap { if case let .toolResult(info) = $0 { return info } else { return nil } }
    }

    var transitions: [(from: String?, to: String, reason: String?)] {
        kinds.compactMap { if case let .transition(from, to, reason) = $0 { return (from, to, reason) } else { return nil } }
    }

    var warnings: [String] {
        kinds.compactMap { if case let .warning(_, message) = $0 { return message } else { return nil } }
    }

    var isGapFree: Bool { all.map(\.sequence) == Array(1...max(1, all.count)) || all.isEmpty }
}

func sse(_ data: String) -> SSEEvent { SSEEvent(data: data) }
