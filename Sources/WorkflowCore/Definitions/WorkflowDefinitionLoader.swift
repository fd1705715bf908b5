import Foundation
import Yams

/// Reads workflow files (YAML), checking every key so a mistake is reported with its file, line and reason rather
/// than discovered mid-run.
public enum WorkflowDefinitionLoader {
    /// Parses YAML text; `file` names it in errors.
    public static func parse(_ yaml: String, file: String) throws(WorkflowDefinitionError) -> WorkflowDefinition {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw WorkflowDefinitionError(file: file, line: 1, message: "the file is empty")
            }
            root = node
        } catch let error as WorkflowDefinitionError {
            throw error
        } catch let YamlError.scanner(_, problem, mark, _), let YamlError.parser(_, problem, mark, _) {
            throw WorkflowDefinitionError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        } catch {
            throw WorkflowDefinitionError(file: file, message: "invalid YAML: \(error)")
        }
        return try DefinitionReader(file: file).definition(from: root)
    }

    /// Reads and parses a file.
    public static func load(path: String) throws(WorkflowDefinitionError) -> WorkflowDefinition {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw WorkflowDefinitionError(file: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text, file: path)
    }

    /// A preset by name, or a file by path: what `--workflow` accepts.
    public static func resolve(_ nameOrPath: String) throws(WorkflowDefinitionError) -> WorkflowDefinition {
        if let preset = PresetWorkflows.yaml[nameOrPath] {
            return try parse(preset, file: "preset \(nameOrPath)")
        }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml")
            || FileManager.default.fileExists(atPath: nameOrPath)
        {
            return try load(path: nameOrPath)
        }
        throw WorkflowDefinitionError(
            file: nameOrPath,
            message: "no preset or file of that name; presets: \(PresetWorkflows.names.joined(separator: ", "))")
    }
}

/// Walks the YAML node tree with the file name at hand, so every error can point at its line.
private struct DefinitionReader {
    let file: String

    func fail(_ node: Node?, _ message: String) -> WorkflowDefinitionError {
        WorkflowDefinitionError(file: file, line: node?.mark?.line, column: node?.mark?.column, message: message)
    }

    func mapping(_ node: Node, _ what: String, allowed: Set<String>) throws(WorkflowDefinitionError) -> [String: Node] {
        guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping of keys to values") }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw fail(key, "keys must be plain text") }
            guard allowed.contains(name) else {
                throw fail(key, "unknown key \"\(name)\" in \(what); expected one of: \(allowed.sorted().joined(separator: ", "))")
            }
            guard fields[name] == nil else { throw fail(key, "\"\(name)\" appears twice in \(what)") }
            fields[name] = value
        }
        return fields
    }

    func string(_ node: Node?, _ key: String, in fields: [String: Node], parent: Node) throws(WorkflowDefinitionError) -> String {
        guard let node = fields[key] else { throw fail(parent, "\"\(key)\" is required") }
        guard let text = node.scalar?.string, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw fail(node, "\"\(key)\" must be non-empty text")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func optionalString(_ key: String, in fields: [String: Node]) throws(WorkflowDefinitionError) -> String? {
        guard let node = fields[key] else { return nil }
        guard let text = node.scalar?.string, !text.isEmpty else { throw fail(node, "\"\(key)\" must be text") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func positiveInt(
        _ key: String, in fields: [String: Node], range: ClosedRange<Int>, wording: String? = nil
    ) throws(WorkflowDefinitionError) -> Int? {
        guard let node = fields[key] else { return nil }
        guard let value = node.scalar.flatMap({ Int($0.string) }), range.contains(value) else {
            let expected = wording ?? "a whole number from \(range.lowerBound) to \(range.upperBound)"
            throw fail(node, "\"\(key)\" must be \(expected)")
        }
        return value
    }

    func stringList(_ key: String, in fields: [String: Node]) throws(WorkflowDefinitionError) -> [String]? {
        guard let node = fields[key] else { return nil }
        guard let sequence = node.sequence else { throw fail(node, "\"\(key)\" must be a list, e.g. [a, b]") }
        var values: [String] = []
        for item in sequence {
            guard let text = item.scalar?.string, !text.isEmpty else { throw fail(item, "\"\(key)\" items must be text") }
            values.append(text)
        }
        return values
    }

    static let generationKeys: Set<String> = ["max_tokens", "temperature", "top_p", "seed", "stop"]
    static let agentKeys = Set(["name", "instructions", "tools", "model", "max_tool_rounds", "handoffs", "kind", "approval"])
        .union(generationKeys)
    /// What a `kind: human` participant takes: a person has no instructions, tools or model.
    static let humanKeys: Set<String> = ["name", "kind", "question", "choices", "handoffs"]
    static let toolEntryKeys: Set<String> = ["name", "approval"]
    static let topKeys: Set<String> = [
        "name", "description", "kind", "agents", "selection", "manager", "max_rounds", "terminate_on", "output_agent",
        "aggregator", "start", "max_handoffs", "defaults", "mcp",
    ]

    /// `max_tokens`, `temperature`, `top_p`, `seed` and `stop` among `fields` (an agent's or `defaults:`).
    func generation(in fields: [String: Node]) throws(WorkflowDefinitionError) -> GenerationSettings {
        GenerationSettings(
            maxTokens: try positiveInt("max_tokens", in: fields, range: GenerationSettings.maxTokensRange),
            temperature: try number("temperature", in: fields, range: GenerationSettings.temperatureRange),
            topP: try number("top_p", in: fields, range: GenerationSettings.topPRange),
            seed: try positiveInt("seed", in: fields, range: 0...Int.max, wording: "a whole number, 0 or more"),
            stop: try stopSequences(in: fields))
    }

    func number(_ key: String, in fields: [String: Node], range: ClosedRange<Double>) throws(WorkflowDefinitionError) -> Double? {
        guard let node = fields[key] else { return nil }
        guard let value = node.scalar.flatMap({ Double($0.string) }), range.contains(value) else {
            throw fail(node, "\"\(key)\" must be a number from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound))")
        }
        return value
    }

    /// `0` rather than `0.0` in messages.
    static func plain(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// `stop: "END"` or `stop: ["END", "---"]`: at most four non-empty sequences, as providers accept.
    func stopSequences(in fields: [String: Node]) throws(WorkflowDefinitionError) -> [String]? {
        guard let node = fields["stop"] else { return nil }
        let limit = GenerationSettings.maxStopSequences
        if let scalar = node.scalar {
            guard !scalar.string.isEmpty else { throw fail(node, "\"stop\" must be non-empty text") }
            return [scalar.string]
        }
        guard let sequence = node.sequence else {
            throw fail(node, "\"stop\" must be text or a list of up to \(limit) texts, e.g. [\"END\"]")
        }
        guard !sequence.isEmpty, sequence.count <= limit else {
            throw fail(node, "\"stop\" takes 1 to \(limit) sequences, not \(sequence.count)")
        }
        var values: [String] = []
        for item in sequence {
            guard let text = item.scalar?.string, !text.isEmpty else { throw fail(item, "\"stop\" items must be non-empty text") }
            values.append(text)
        }
        return values
    }

    func agent(
        _ node: Node, _ what: String, servers: [MCPServerSpec]
    ) throws(WorkflowDefinitionError) -> WorkflowDefinition.AgentSpec {
        // The kind decides which keys the rest may have, so it is read first.
        let kindNode = node.mapping?.first { $0.key.scalar?.string == "kind" }?.value
        switch kindNode?.scalar?.string {
        case nil, "model": break
        case "human": return try human(node, what)
        case let other:
            throw fail(kindNode, "\(what): kind must be \"model\" or \"human\", not \"\(other ?? "a list")\"")
        }
        let fields = try mapping(node, what, allowed: Self.agentKeys)
        let name = try string(node, "name", in: fields, parent: node)
        let entries = try toolEntries(in: fields)
        let tools = entries.map(\.name)
        let serverNames = servers.map(\.name)
        for (index, tool) in tools.enumerated() {
            let entry = entries[index].node
            switch ToolReference(tool) {
            case let .builtin(builtin):
                guard !BuiltinTools.names.contains(builtin) else { continue }
                let servers = serverNames.isEmpty ? "" : ", or SERVER.TOOL / SERVER.* of the mcp servers \(serverNames.joined(separator: ", "))"
                throw fail(
                    entry, "unknown tool \"\(tool)\" for \(name); available: \(BuiltinTools.names.joined(separator: ", "))\(servers)")
            case let .server(server, tool: toolName):
                guard serverNames.contains(server) else { throw unknownServer(server, in: tool, entry, serverNames) }
                guard !toolName.isEmpty else { throw fail(entry, "\"\(tool)\" names no tool; write \(server).TOOL or \(server).*") }
            case let .allOf(server):
                guard serverNames.contains(server) else { throw unknownServer(server, in: tool, entry, serverNames) }
            }
        }
        var spec = WorkflowDefinition.AgentSpec(
            name: name,
            instructions: try string(node, "instructions", in: fields, parent: node),
            tools: tools,
            model: try optionalString("model", in: fields),
            maxToolRounds: try positiveInt("max_tool_rounds", in: fields, range: 1...100),
            handoffs: try stringList("handoffs", in: fields),
            generation: try generation(in: fields))
        spec.approval = try approvalMode(fields["approval"])
        for entry in entries { if let mode = entry.approval { spec.toolApprovals[entry.name] = mode } }
        return spec
    }

    /// `approval: always` or `approval: never`.
    func approvalMode(_ node: Node?) throws(WorkflowDefinitionError) -> ApprovalMode? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, let mode = ApprovalMode(rawValue: text) else {
            let modes = ApprovalMode.allCases.map(\.rawValue).joined(separator: " or ")
            throw fail(node, "\"approval\" must be \(modes)")
        }
        return mode
    }

    /// `tools:` entries: a name (`get_weather`, `time.*`) or `{name: send_report, approval: always}`.
    func toolEntries(in fields: [String: Node]) throws(WorkflowDefinitionError) -> [(name: String, approval: ApprovalMode?, node: Node)] {
        guard let node = fields["tools"] else { return [] }
        guard let sequence = node.sequence else { throw fail(node, "\"tools\" must be a list, e.g. [get_weather]") }
        var entries: [(name: String, approval: ApprovalMode?, node: Node)] = []
        for item in sequence {
            if let text = item.scalar?.string, !text.isEmpty {
                entries.append((text, nil, item))
                continue
            }
            guard item.mapping != nil else {
                throw fail(item, "\"tools\" items must be tool names or {name: TOOL, approval: always}")
            }
            let entry = try mapping(item, "a tool entry", allowed: Self.toolEntryKeys)
            entries.append((try string(item, "name", in: entry, parent: item), try approvalMode(entry["approval"]), item))
        }
        return entries
    }

    /// `kind: human`: a person answers `question` (one of `choices`, when given) whenever it is this one's turn.
    func human(_ node: Node, _ what: String) throws(WorkflowDefinitionError) -> WorkflowDefinition.AgentSpec {
        let fields = try mapping(node, "\(what) of kind human", allowed: Self.humanKeys)
        let name = try string(node, "name", in: fields, parent: node)
        let question = try string(node, "question", in: fields, parent: node)
        var schema: JSONValue?
        if let choices = try stringList("choices", in: fields) {
            guard !choices.isEmpty else { throw fail(fields["choices"], "\"choices\" must list at least one answer") }
            schema = ["type": "string", "enum": .array(choices.map(JSONValue.string))]
        }
        var spec = WorkflowDefinition.AgentSpec(
            name: name, instructions: "", handoffs: try stringList("handoffs", in: fields))
        spec.kind = .human(question: question, schema: schema)
        return spec
    }

    func unknownServer(_ server: String, in tool: String, _ node: Node?, _ known: [String]) -> WorkflowDefinitionError {
        fail(node, "\"\(tool)\" names the MCP server \"\(server)\", which mcp: does not define"
            + (known.isEmpty ? " (there is no mcp: section)" : "; defined: \(known.joined(separator: ", "))"))
    }

    static let stdioServerKeys: Set<String> = ["command", "args", "env", "cwd", "timeout"]
    static let httpServerKeys: Set<String> = ["url", "headers", "timeout"]

    /// `mcp:`: named servers, each a process (`command`, `args`, `env`, `cwd`) or a URL (`url`, `headers`).
    func mcpServers(_ node: Node) throws(WorkflowDefinitionError) -> [MCPServerSpec] {
        guard let mapping = node.mapping else {
            throw fail(node, "mcp must be a mapping of server names to servers, e.g. mcp: {time: {command: uvx, args: [mcp-server-time]}}")
        }
        var servers: [MCPServerSpec] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string, !name.isEmpty else { throw fail(key, "MCP server names must be plain text") }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw fail(key, "the MCP server name \"\(name)\" may have only letters, digits, _ and - (tools are named \(name).TOOL)")
            }
            guard !servers.contains(where: { $0.name == name }) else { throw fail(key, "the MCP server \"\(name)\" appears twice") }
            servers.append(try mcpServer(name, value))
        }
        return servers
    }

    func mcpServer(_ name: String, _ node: Node) throws(WorkflowDefinitionError) -> MCPServerSpec {
        let what = "the MCP server \(name)"
        guard let keys = node.mapping?.keys.compactMap({ $0.scalar?.string }) else {
            throw fail(node, "\(what) must be a mapping with command (a local process) or url (a remote server)")
        }
        let remote = keys.contains("url")
        if remote && keys.contains("command") { throw fail(node, "\(what) has both command and url; give one") }
        guard remote || keys.contains("command") else {
            throw fail(node, "\(what) needs command (a local process, e.g. command: uvx) or url (streamable HTTP)")
        }
        let fields = try mapping(node, what, allowed: remote ? Self.httpServerKeys : Self.stdioServerKeys)
        let seconds = try positiveInt("timeout", in: fields, range: 1...3600, wording: "a whole number of seconds from 1 to 3600")
        let timeout = seconds.map { Duration.seconds($0) } ?? MCPServerSpec.defaultCallTimeout
        if remote {
            let url = try string(node, "url", in: fields, parent: node)
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw fail(fields["url"], "\(what): url must start with http:// or https://")
            }
            return MCPServerSpec(
                name: name, transport: .http(url: url, headers: try textMapping("headers", in: fields)), callTimeout: timeout)
        }
        return MCPServerSpec(
            name: name,
            transport: .stdio(
                command: try string(node, "command", in: fields, parent: node),
                arguments: try stringList("args", in: fields) ?? [],
                environment: try textMapping("env", in: fields),
                workingDirectory: try optionalString("cwd", in: fields)),
            callTimeout: timeout)
    }

    /// `env:` and `headers:`: names to text. Values are not quoted in errors: they may be secrets.
    func textMapping(_ key: String, in fields: [String: Node]) throws(WorkflowDefinitionError) -> [String: String] {
        guard let node = fields[key] else { return [:] }
        guard let mapping = node.mapping else { throw fail(node, "\"\(key)\" must be a mapping of names to text") }
        var values: [String: String] = [:]
        for (name, value) in mapping {
            guard let name = name.scalar?.string, !name.isEmpty else { throw fail(name, "\"\(key)\" names must be plain text") }
            guard let text = value.scalar?.string else { throw fail(value, "\"\(key)\": the value of \(name) must be text") }
            values[name] = text
        }
        return values
    }

    func definition(from root: Node) throws(WorkflowDefinitionError) -> WorkflowDefinition {
        let fields = try mapping(root, "the workflow", allowed: Self.topKeys)
        let servers = try fields["mcp"].map { node throws(WorkflowDefinitionError) in try mcpServers(node) } ?? []
        let name = try string(root, "name", in: fields, parent: root)
        let kindText = try string(root, "kind", in: fields, parent: root)
        guard let kind = WorkflowDefinition.Kind(rawValue: kindText) else {
            let kinds = WorkflowDefinition.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail(fields["kind"], "unknown kind \"\(kindText)\"; expected one of: \(kinds)")
        }
        guard let agentsNode = fields["agents"] else { throw fail(root, "\"agents\" is required") }
        guard let agentNodes = agentsNode.sequence, !agentNodes.isEmpty else {
            throw fail(agentsNode, "\"agents\" must be a non-empty list of agents")
        }
        var agents: [WorkflowDefinition.AgentSpec] = []
        for node in agentNodes {
            let spec = try agent(node, "an agent", servers: servers)
            guard !agents.contains(where: { $0.name == spec.name }) else {
                throw fail(node, "two agents are named \"\(spec.name)\"")
            }
            agents.append(spec)
        }
        var definition = WorkflowDefinition(name: name, description: try optionalString("description", in: fields), kind: kind, agents: agents)
        definition.mcpServers = servers
        let names = Set(agents.map(\.name))
        if let node = fields["defaults"] {
            definition.defaults = try generation(in: try mapping(node, "defaults", allowed: Self.generationKeys))
        }

        func only(_ keys: [String], for kinds: [WorkflowDefinition.Kind]) throws(WorkflowDefinitionError) {
            for key in keys where fields[key] != nil && !kinds.contains(kind) {
                throw fail(fields[key], "\"\(key)\" applies to \(kinds.map(\.rawValue).joined(separator: "/")) workflows, not \(kind.rawValue)")
            }
        }
        try only(["selection", "manager", "max_rounds", "terminate_on", "output_agent"], for: [.groupChat])
        try only(["aggregator"], for: [.concurrent])
        try only(["start", "max_handoffs"], for: [.handoff])
        for (spec, node) in zip(agents, agentNodes) where spec.handoffs != nil && kind != .handoff {
            throw fail(node, "\"handoffs\" applies to handoff workflows only")
        }
        for (spec, node) in zip(agents, agentNodes) where spec.kind != .model && kind == .concurrent {
            throw fail(node, "\(spec.name): kind: human applies to sequential, group-chat and handoff workflows, not concurrent")
        }

        switch kind {
        case .sequential:
            break
        case .groupChat:
            if let text = try optionalString("selection", in: fields) {
                guard let selection = WorkflowDefinition.Selection(rawValue: text) else {
                    throw fail(fields["selection"], "selection must be \"manager\" or \"round-robin\", not \"\(text)\"")
                }
                definition.selection = selection
            }
            if let node = fields["manager"] {
                guard definition.selection == .manager else {
                    throw fail(node, "\"manager\" needs selection: manager")
                }
                let manager = try agent(node, "the manager", servers: servers)
                guard manager.kind == .model else { throw fail(node, "the manager picks speakers and must be a model, not kind: human") }
                definition.manager = manager
            }
            definition.maxRounds = try positiveInt("max_rounds", in: fields, range: 1...100) ?? 6
            definition.terminateOn = try optionalString("terminate_on", in: fields)
            if let output = try optionalString("output_agent", in: fields) {
                guard names.contains(output) else { throw fail(fields["output_agent"], "output_agent \"\(output)\" is not one of the agents") }
                definition.outputAgent = output
            }
        case .concurrent:
            if let node = fields["aggregator"] {
                let aggregator = try agent(node, "the aggregator", servers: servers)
                guard !names.contains(aggregator.name) else { throw fail(node, "the aggregator's name is already an agent's") }
                definition.aggregator = aggregator
            }
        case .handoff:
            if let start = try optionalString("start", in: fields) {
                guard names.contains(start) else { throw fail(fields["start"], "start \"\(start)\" is not one of the agents") }
                definition.start = start
            }
            definition.maxHandoffs = try positiveInt("max_handoffs", in: fields, range: 1...100) ?? 8
            for (spec, node) in zip(agents, agentNodes) {
                for target in spec.handoffs ?? [] where !names.contains(target) || target == spec.name {
                    let field = node.mapping?["handoffs"]
                    throw fail(field, "\(spec.name) cannot hand off to \"\(target)\": not another agent of this workflow")
                }
            }
            guard agents.count > 1 else { throw fail(agentsNode, "a handoff workflow needs at least two agents") }
        }
        return definition
    }
}
