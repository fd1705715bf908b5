/// The attributes of the conventions the builder reads (Agent Framework's workflow spans and the GenAI semantic
/// conventions), picked out of a span's attributes in one pass when it arrives: one lookup per attribute the span
/// has, rather than a search per attribute the builder might want.
struct ConventionAttributes {
    private enum Key: CaseIterable {
        case operationName, agentName, agentId, executorId
        case inputTokens, outputTokens, promptTokens, completionTokens
        case finishReasons, outputMessages, responseModel, requestModel, maxTokens
        case toolName, toolCallId, toolArguments, toolResult
        case messageSource, messageTarget, edgeDelivered, edgeDeliveryStatus, workflowName

        var text: String {
            switch self {
            case .operationName: "gen_ai.operation.name"
            case .agentName: "gen_ai.agent.name"
            case .agentId: "gen_ai.agent.id"
            case .executorId: "executor.id"
            case .inputTokens: "gen_ai.usage.input_tokens"
            case .outputTokens: "gen_ai.usage.output_tokens"
            case .promptTokens: "gen_ai.usage.prompt_tokens"
            case .completionTokens: "gen_ai.usage.completion_tokens"
            case .finishReasons: "gen_ai.response.finish_reasons"
            case .outputMessages: "gen_ai.output.messages"
            case .responseModel: "gen_ai.response.model"
            case .requestModel: "gen_ai.request.model"
            case .maxTokens: "gen_ai.request.max_tokens"
            case .toolName: "gen_ai.tool.name"
            case .toolCallId: "gen_ai.tool.call.id"
            case .toolArguments: "gen_ai.tool.call.arguments"
            case .toolResult: "gen_ai.tool.call.result"
            case .messageSource: "message.source_id"
            case .messageTarget: "message.target_id"
            case .edgeDelivered: "edge_group.delivered"
            case .edgeDeliveryStatus: "edge_group.delivery_status"
            case .workflowName: "workflow.name"
            }
        }

        static let byText = Dictionary(uniqueKeysWithValues: allCases.map { ($0.text, $0) })
    }

    var operationName: SpanValue?
    var agentName: SpanValue?
    var agentId: SpanValue?
    var executorId: SpanValue?
    var inputTokens: SpanValue?
    var outputTokens: SpanValue?
    var promptTokens: SpanValue?
    var completionTokens: SpanValue?
    var finishReasons: SpanValue?
    var outputMessages: SpanValue?
    var responseModel: SpanValue?
    var requestModel: SpanValue?
    var maxTokens: SpanValue?
    var toolName: SpanValue?
    var toolCallId: SpanValue?
    var toolArguments: SpanValue?
    var toolResult: SpanValue?
    var messageSource: SpanValue?
    var messageTarget: SpanValue?
    var edgeDelivered: SpanValue?
    var edgeDeliveryStatus: SpanValue?
    var workflowName: SpanValue?

    init(_ attributes: SpanAttributes) {
        for pair in attributes {
            guard let key = Key.byText[pair.key] else { continue }
            let value = pair.value
            switch key {
            case .operationName: operationName = value
            case .agentName: agentName = value
            case .agentId: agentId = value
            case .executorId: executorId = value
            case .inputTokens: inputTokens = value
            case .outputTokens: outputTokens = value
            case .promptTokens: promptTokens = value
            case .completionTokens: completionTokens = value
            case .finishReasons: finishReasons = value
            case .outputMessages: outputMessages = value
            case .responseModel: responseModel = value
            case .requestModel: requestModel = value
            case .maxTokens: maxTokens = value
            case .toolName: toolName = value
            case .toolCallId: toolCallId = value
            case .toolArguments: toolArguments = value
            case .toolResult: toolResult = value
            case .messageSource: messageSource = value
            case .messageTarget: messageTarget = value
            case .edgeDelivered: edgeDelivered = value
            case .edgeDeliveryStatus: edgeDeliveryStatus = value
            case .workflowName: workflowName = value
            }
        }
    }
}
