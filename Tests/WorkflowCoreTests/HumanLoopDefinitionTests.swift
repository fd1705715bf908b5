import Testing
@testable import WorkflowCore

@Suite("Workflow files: approval and people")
struct HumanLoopDefinitionTests {
    static func error(_ yaml: String) -> String? {
        do {
            _ = try WorkflowDefinitionLoader.parse(yaml, file: "bad.yaml")
            return nil
        } catch {
            return error.description
        }
    }

    static func tools(_ yaml: String, agent: Int = 0) throws -> [String: ApprovalMode] {
        let definition = try WorkflowDefinitionLoader.parse(yaml, file: "t.yaml")
        let tools = try definition.tools(for: definition.agents[agent], serverTools: .none)
        return Dictionary(uniqueKeysWithValues: tools.map { ($0.name, $0.approval) })
    }

    @Test func aToolEntryCanNeedApprovalOnItsOwn() throws {
        let approvals = try Self.tools("""
            name: x
            kind: sequential
            agents:
              - name: A
                instructions: hi
                tools: [get_weather, {name: send_report, approval: always}]
            """)
        #expect(approvals == ["get_weather": .never, "send_report": .always])
    }

    @Test func anAgentsApprovalCoversItsToolsUnlessAToolSaysOtherwise() throws {
        let approvals = try Self.tools("""
            name: x
            kind: sequential
            agents:
              - name: A
                instructions: hi
                approval: always
                tools: [get_weather, {name: get_time, approval: never}]
            """)
        #expect(approvals == ["get_weather": .always, "get_time": .never])
    }

    @Test func aHumanParticipantHasAQuestionAndOptionalChoices() throws {
        let definition = try WorkflowDefinitionLoader.parse("""
            name: x
            kind: sequential
            agents:
              - name: Editor
                kind: human
                question: Which tone?
                choices: [formal, poetic]
              - name: Writer
                instructions: Write.
            """, file: "t.yaml")
        #expect(definition.agents[0].kind == .human(question: "Which tone?", schema: ["type": "string", "enum": ["formal", "poetic"]]))
        #expect(definition.agents[1].kind == .model)
    }

    @Test func aBadApprovalValueIsReportedAtItsLine() {
        #expect(Self.error("""
            name: x
            kind: sequential
            agents:
              - name: A
                instructions: hi
                tools: [{name: send_report, approval: sometimes}]
            """) == "bad.yaml:6:43: \"approval\" must be always or never")
    }

    @Test func aHumanTakesNoInstructionsOrTools() {
        #expect(Self.error("""
            name: x
            kind: sequential
            agents:
              - name: Editor
                kind: human
                question: Which tone?
                tools: [get_weather]
            """)?.contains("unknown key \"tools\" in an agent of kind human; expected one of: choices, handoffs, kind, name, question") == true)
    }

    @Test func aHumanNeedsAQuestion() {
        #expect(Self.error("""
            name: x
            kind: sequential
            agents:
              - name: Editor
                kind: human
            """)?.hasSuffix("\"question\" is required") == true)
    }

    @Test func anUnknownKindOfParticipantIsRefused() {
        #expect(Self.error("""
            name: x
            kind: sequential
            agents:
              - name: Editor
                kind: robot
                instructions: hi
            """) == "bad.yaml:5:11: an agent: kind must be \"model\" or \"human\", not \"robot\"")
    }

    @Test func aConcurrentWorkflowHasNoPeople() {
        #expect(Self.error("""
            name: x
            kind: concurrent
            agents:
              - name: Editor
                kind: human
                question: Which?
              - name: B
                instructions: hi
            """)?.contains("kind: human applies to sequential, group-chat and handoff workflows, not concurrent") == true)
    }
}
