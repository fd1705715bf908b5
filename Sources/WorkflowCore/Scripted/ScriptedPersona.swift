import Foundation

/// Decides what the scripted model says, from the same things a real model sees (the agent's instructions, its
/// tools and the conversation) and the request's `context`, which says structurally whether this is a manager
/// picking a speaker or a turn that may hand off, so no prompt wording of another module is parsed here.
/// Deterministic for a given request.
struct ScriptedPersona {
    let request: ChatRequest

    private var instructions: String {
        request.messages.first { $0.role == .system }?.text.lowercased() ?? ""
    }

    private var prompt: String {
        request.messages.first { $0.role == .user && $0.author == nil }?.text ?? ""
    }

    /// Results of this agent's own tool calls in this turn.
    private var toolResults: [FunctionResult] {
        request.messages.filter { $0.role == .tool }.flatMap(\.functionResults)
    }

    /// Other agents' contributions, oldest first.
    private var contributions: [(author: String, text: String)] {
        request.messages.compactMap { message in
            guard message.role == .user, let author = message.author else { return nil }
            let text = message.text
            let prefix = "[\(author)] "
            return (author, text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text)
        }
    }

    private var toolNames: [String] { request.tools.map(\.name) }

    func reply() -> ScriptedReply {
        if case let .manager(participants) = request.context { return managerReply(participants) }
        if toolResults.isEmpty {
            if case let .handoff(targets) = request.context, let routed = handoffReply(targets) { return routed }
            // A server's tool first: a workflow names a server to show it answering.
            if let tool = serverTool { return schemaCall(tool) }
            if toolNames.contains("get_weather") { return weatherCalls() }
            if toolNames.contains("get_time") { return timeCall() }
        } else {
            if let report = reportStep() { return report }
            return researchSummary()
        }
        // The first sentence says what an agent is; later ones often mention the others ("revise after the Critic").
        if opens(with: "critic", "review") { return criticReply() }
        if opens(with: "summar", "aggregat", "combine") { return summaryReply() }
        if opens(with: "write", "poem", "creative") { return writerReply() }
        return expertReply()
    }

    private func has(_ words: String...) -> Bool { words.contains { instructions.contains($0) } }

    private func opens(with words: String...) -> Bool {
        let first = instructions.split(whereSeparator: { ".!?\n".contains($0) }).first.map(String.init) ?? instructions
        return words.contains { first.contains($0) }
    }

    // MARK: - Manager

    private func managerReply(_ names: [String]) -> ScriptedReply {
        guard !names.isEmpty else { return ScriptedReply(text: "DONE") }
        guard let last = contributions.last else { return ScriptedReply(text: names[0]) }
        if last.text.localizedCaseInsensitiveContains("approved") { return ScriptedReply(text: "DONE") }
        let index = names.firstIndex(of: last.author) ?? -1
        return ScriptedReply(text: names[(index + 1) % names.count])
    }

    // MARK: - Tools and handoffs

    /// Picks the target whose name or description best matches the prompt's topic; nil when none does.
    private func handoffReply(_ targets: [String: String]) -> ScriptedReply? {
        let topic = prompt.lowercased()
        let scored = targets.keys.sorted().map { target -> (String, Int) in
            let description = targets[target]!.lowercased()
            let name = target.lowercased()
            var score = 0
            for word in Self.topicWords(topic) where description.contains(word) || name.contains(word) { score += 2 }
            if topic.contains("weather") || topic.contains("rain") || topic.contains("forecast") {
                if description.contains("weather") { score += 3 }
            }
            if topic.contains("time") || topic.contains("clock") || topic.contains("hour") {
                if description.contains("time") { score += 3 }
            }
            return (target, score)
        }
        guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 > 0 else { return nil }
        let target = best.0
        let reason = "the question is about \(Self.topicWords(topic).first ?? "this topic"); \(target) handles that"
        return ScriptedReply(
            text: "This is one for \(target).",
            toolCalls: [(HandoffWorkflow.toolName(for: target), JSONValue.object(["reason": .string(reason)]).jsonText)])
    }

    private func weatherCalls() -> ScriptedReply {
        let places = Self.places(in: prompt)
        return ScriptedReply(
            text: "",
            toolCalls: places.prefix(3).map { ("get_weather", JSONValue.object(["location": .string($0)]).jsonText) })
    }

    private func timeCall() -> ScriptedReply {
        let place = Self.places(in: prompt).first ?? "UTC"
        return ScriptedReply(text: "", toolCalls: [("get_time", JSONValue.object(["location": .string(place)]).jsonText)])
    }

    /// The first tool that is neither built in nor a handoff: an MCP server's, which the persona knows only by
    /// its schema.
    private var serverTool: ToolDefinition? {
        let handoffs: Set<String>
        if case let .handoff(targets) = request.context {
            handoffs = Set(targets.keys.map(HandoffWorkflow.toolName(for:)))
        } else {
            handoffs = []
        }
        return request.tools.first { !BuiltinTools.names.contains($0.name) && !handoffs.contains($0.name) }
    }

    /// Calls `tool` with arguments built from its schema (see `SchemaArguments`), the place from the prompt.
    private func schemaCall(_ tool: ToolDefinition) -> ScriptedReply {
        let arguments = SchemaArguments(place: Self.places(in: prompt).first, prompt: prompt).arguments(for: tool.parameters)
        return ScriptedReply(text: "", toolCalls: [(tool.name, arguments.jsonText)])
    }

    /// An agent with `send_report` sends its findings once it has them, and says what became of the report
    /// (sent, or rejected by the person, with their reason) once it knows.
    private func reportStep() -> ScriptedReply? {
        guard toolNames.contains("send_report") else { return nil }
        let findings = toolResults.filter { $0.name != "send_report" }.map(\.result).joined(separator: " ")
        guard let report = toolResults.last(where: { $0.name == "send_report" }) else {
            let arguments: JSONValue = ["to": "team@example.com", "summary": .string("Findings: " + findings)]
            return ScriptedReply(text: "", toolCalls: [("send_report", arguments.jsonText)])
        }
        if report.isError, report.result.contains("rejected") {
            let reason = report.result.components(separatedBy: "Reason: ").dropFirst().first
            return ScriptedReply(
                text: "I did not send the report: you rejected it" + (reason.map { " (\($0))" } ?? "")
                    + ". Here are the findings instead: " + findings)
        }
        if report.isError { return ScriptedReply(text: "The report could not be sent (\(report.result)). Findings: " + findings) }
        return ScriptedReply(text: "Findings: \(findings) \(report.result)")
    }

    private func researchSummary() -> ScriptedReply {
        let findings = toolResults.map { result in
            result.isError ? "The \(result.name) tool failed (\(result.result)), so this is unverified." : result.result
        }
        let brief = instructions.contains("brief") ? "" : " Sources: the tools above."
        return ScriptedReply(text: "Findings: " + findings.joined(separator: " ") + brief)
    }

    // MARK: - Writer, critic, summariser, experts

    private func writerReply() -> ScriptedReply {
        if has("tone"), let tone = chosenTone { return tonedReply(tone) }
        let research = contributions.first { !$0.author.lowercased().contains("critic") }?.text ?? prompt
        let facts = WeatherFacts(text: research, fallbackPlace: Self.places(in: prompt).first ?? "the city")
        let revising = contributions.contains { $0.author.lowercased().contains("critic") }
        // Markdown, as real models write it, so the demo shows the dashboard rendering it.
        var poem = [
            "Over \(facts.place) the sky hangs low and \(facts.mood),",
            "\(facts.condition.prefix(1).uppercased() + facts.condition.dropFirst()) on harbour, roof and street;",
            "the ferries hum, the gulls complain,",
            "and coffee steams against the \(facts.weatherNoun).",
        ]
        if revising { poem.append("At \(facts.temperature) the city keeps its easy beat.") }
        let lines = ["**\(facts.place), \(facts.condition)\(revising ? " (revised)" : "")**", ""] + poem + [
            "",
            "### At a glance",
            "- *Sky:* \(facts.condition)",
            "- *Temperature:* \(facts.temperature)",
            "",
            "```text",
            "\(facts.place): \(facts.temperature), \(facts.condition)",
            "```",
        ]
        return ScriptedReply(text: lines.joined(separator: "\n"))
    }

    /// A short contribution (a person's pick, such as "formal") read as the tone asked for.
    private var chosenTone: String? {
        contributions.last { $0.text.count <= 30 && !$0.text.contains(".") }?.text.lowercased()
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func tonedReply(_ tone: String) -> ScriptedReply {
        let research = contributions.first { $0.text.count > 30 }?.text ?? prompt
        let facts = WeatherFacts(text: research, fallbackPlace: Self.places(in: prompt).first ?? "the city")
        let text: String
        switch tone {
        case let tone where tone.contains("formal"):
            text = "Weather report for \(facts.place): \(facts.condition), \(facts.temperature). "
                + "Residents are advised to plan accordingly."
        case let tone where tone.contains("poe"):
            text = "Over \(facts.place) the sky is \(facts.mood),\n\(facts.condition) at \(facts.temperature),\n"
                + "and the city hums beneath the \(facts.weatherNoun)."
        default:
            text = "Good news from \(facts.place)! Expect \(facts.condition) and \(facts.temperature), "
                + "a fine day to be out (in a \(tone) tone, as asked)."
        }
        return ScriptedReply(text: text)
    }

    private func criticReply() -> ScriptedReply {
        let reviewedBefore = request.messages.contains { $0.role == .assistant && $0.author == request.agent }
        if !reviewedBefore {
            return ScriptedReply(
                text: "Good imagery, but the poem never says how warm it is. Add one concrete detail, such as the "
                    + "temperature, and end on a stronger line.")
        }
        return ScriptedReply(text: "APPROVED. The revision is concrete and keeps the mood.")
    }

    private func summaryReply() -> ScriptedReply {
        let parts = contributions.map { contribution -> String in
            let first = contribution.text.components(separatedBy: ". ").first ?? contribution.text
            return "- **\(contribution.author)**: \(first.hasSuffix(".") ? first : first + ".")"
        }
        return ScriptedReply(text: "In short, the experts agree on the essentials:\n" + parts.joined(separator: "\n"))
    }

    private func expertReply() -> ScriptedReply {
        let place = Self.places(in: prompt).first ?? "the place in question"
        let lines: [String]
        if has("meteorolog", "climate", "weather") {
            lines = [
                "\(place)'s weather is shaped by moist air from the ocean, so mild, damp days are the norm.",
                "Expect frequent light rain in the cold months and dry, sunny spells in summer.",
            ]
        } else if has("histor") {
            lines = [
                "\(place) grew around its harbour, and its weather shaped how people built and worked there.",
                "Local records show residents long ago learned to plan around the rainy season.",
            ]
        } else if has("travel", "guide", "tourism") {
            lines = [
                "Visit \(place) between July and September for the driest days.",
                "Pack layers and a light rain jacket whatever the season.",
            ]
        } else {
            let role = request.agent
            lines = [
                "Speaking as \(role): the key point about \"\(prompt.prefix(60))\" is to start from the facts we have.",
                "I would check the details against a second source before acting on them.",
            ]
        }
        return ScriptedReply(text: lines.joined(separator: " "))
    }

    // MARK: - Reading prompts

    private static let notPlaces: Set<String> = [
        "Research", "Write", "Compare", "What", "How", "Tell", "Give", "Create", "Find", "Please", "The", "A", "I",
        "Is", "And", "Summarize", "Summarise", "Check", "Should", "Can", "Make", "Plan", "Report",
    ]

    /// Capitalised words that are not sentence-opening verbs: good enough to find "Seattle" or "Paris". A word
    /// that opens a sentence ("Weather in Seattle?") counts only when no other capitalised word does.
    static func places(in text: String) -> [String] {
        var found: [String] = []
        var openers: [String] = []
        var opensSentence = true
        var word = ""
        func finish() {
            defer { word = "" }
            guard word.count > 1, word.first?.isUppercase == true, !notPlaces.contains(word) else { return }
            if opensSentence {
                if !openers.contains(word) { openers.append(word) }
            } else if !found.contains(word) {
                found.append(word)
            }
        }
        for character in text {
            if character.isLetter || character.isNumber || character == "-" {
                word.append(character)
                continue
            }
            if !word.isEmpty {
                finish()
                opensSentence = false
            }
            if ".?!\n".contains(character) { opensSentence = true }
        }
        if !word.isEmpty { finish() }
        if found.isEmpty { found = openers }
        return found.isEmpty ? ["Seattle"] : found
    }

    static func topicWords(_ text: String) -> [String] {
        let stop: Set<String> = ["what", "the", "is", "in", "a", "an", "of", "and", "to", "for", "it", "me", "please", "tell"]
        return text.lowercased().components(separatedBy: CharacterSet.letters.inverted)
            .filter { $0.count > 2 && !stop.contains($0) }
    }
}

/// Facts a writer can use, read back from research text in `BuiltinTools.weather` form ("Seattle: 12°C, light
/// rain, …").
struct WeatherFacts {
    var place: String
    var condition: String
    var temperature: String

    init(text: String, fallbackPlace: String) {
        place = fallbackPlace
        condition = "soft weather"
        temperature = "a mild temperature"
        let pattern = #/([A-Z][\w\- ]*?): (-?\d+)°C, ([a-z ]+)/#
        if let match = text.firstMatch(of: pattern) {
            place = String(match.1)
            temperature = "\(match.2)°C"
            condition = String(match.3).trimmingCharacters(in: .whitespaces)
        }
    }

    var mood: String {
        condition.contains("sun") || condition.contains("clear") ? "bright" : "grey"
    }

    var weatherNoun: String {
        condition.contains("rain") || condition.contains("drizzle") ? "rain" : condition.contains("snow") ? "snow" : "breeze"
    }
}
