/// Assembles streamed tool-call fragments into whole calls, keyed by the provider's `index`.
///
/// OpenAI sends the id and name in the first fragment only; llama.cpp repeats them in every fragment. Either way a
/// call gets its id and name once, and its arguments are the fragments' concatenation.
struct ToolCallAccumulator {
    private var calls: [Int: FunctionCall] = [:]
    private var order: [Int] = []

    mutating func add(_ delta: ToolCallDelta) {
        if var call = calls[delta.index] {
            if call.callId.isEmpty, let id = delta.callId { call.callId = id }
            if call.name.isEmpty, let name = delta.name { call.name = name }
            call.arguments += delta.argumentsDelta
            calls[delta.index] = call
        } else {
            order.append(delta.index)
            calls[delta.index] = FunctionCall(
                callId: delta.callId ?? "", name: delta.name ?? "", arguments: delta.argumentsDelta)
        }
    }

    var isEmpty: Bool { order.isEmpty }

    /// The calls in the order they began; a call the provider sent without an id gets a generated one.
    func finishedCalls(idPrefix: String) -> [FunctionCall] {
        order.enumerated().map { position, index in
            var call = calls[index]!
            if call.callId.isEmpty { call.callId = "\(idPrefix)_\(position)" }
            return call
        }
    }
}
