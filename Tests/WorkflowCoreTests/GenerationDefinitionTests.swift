import Testing
@testable import WorkflowCore

@Suite("Generation settings in workflow files")
struct GenerationDefinitionTests {
    static func parse(_ yaml: String) throws -> WorkflowDefinition {
        try WorkflowDefinitionLoader.parse(yaml, file: "gen.yaml")
    }

    static func error(_ yaml: String) -> WorkflowDefinitionError? { DefinitionTests.error(yaml) }

    /// A sequential workflow with `agentLines` added to its one agent and `topLines` to the file.
    static func sequential(agent agentLines: String = "", top topLines: String = "") -> String {
        "name: x\nkind: sequential\n" + topLines + "agents:\n  - name: A\n    instructions: i\n" + agentLines
    }

    @Test func everyKeyIsReadFromAnAgent() throws {
        let definition = try Self.parse(Self.sequential(
            agent: "    max_tokens: 400\n    temperature: 0.7\n    top_p: 0.9\n    seed: 42\n    stop: [END, \"---\"]\n"))
        #expect(
            definition.agents[0].generation
                == GenerationSettings(maxTokens: 400, temperature: 0.7, topP: 0.9, seed: 42, stop: ["END", "---"]))
    }

    @Test func everyKeyIsReadFromDefaults() throws {
        let definition = try Self.parse(Self.sequential(
            top: "defaults:\n  max_tokens: 300\n  temperature: 0\n  top_p: 1\n  seed: 0\n  stop: END\n"))
        #expect(
            definition.defaults == GenerationSettings(maxTokens: 300, temperature: 0, topP: 1, seed: 0, stop: ["END"]))
        #expect(definition.agents[0].generation == .providerDefaults)
    }

    @Test func managerAndAggregatorTakeTheKeysToo() throws {
        let chat = try Self.parse("""
            name: x
            kind: group-chat
            selection: manager
            manager: {name: M, instructions: pick, max_tokens: 16, temperature: 0}
            agents:
              - {name: A, instructions: i}
            """)
        #expect(chat.manager?.generation == GenerationSettings(maxTokens: 16, temperature: 0))
        let fan = try Self.parse("""
            name: x
            kind: concurrent
            aggregator: {name: S, instructions: sum, max_tokens: 200}
            agents:
              - {name: A, instructions: i}
            """)
        #expect(fan.aggregator?.generation.maxTokens == 200)
    }

    @Test func anAgentsValueBeatsTheFlagWhichBeatsTheDefaults() throws {
        let definition = try Self.parse("""
            name: x
            kind: sequential
            defaults: {max_tokens: 300, temperature: 0.2, seed: 7}
            agents:
              - {name: A, instructions: i, max_tokens: 50}
              - {name: B, instructions: i}
            """)
        let flags = GenerationSettings(maxTokens: 100, temperature: 1.5)
        #expect(definition.generation(for: definition.agents[0], overrides: flags) == GenerationSettings(maxTokens: 50, temperature: 1.5, seed: 7))
        #expect(definition.generation(for: definition.agents[1], overrides: flags) == GenerationSettings(maxTokens: 100, temperature: 1.5, seed: 7))
        #expect(definition.generation(for: definition.agents[1]) == GenerationSettings(maxTokens: 300, temperature: 0.2, seed: 7))
    }

    @Test func everyPresetCapsEveryAgent() throws {
        for name in PresetWorkflows.names {
            let definition = try WorkflowDefinitionLoader.resolve(name)
            for spec in definition.allAgents {
                let cap = definition.generation(for: spec).maxTokens
                #expect(cap != nil && cap! <= 400, "\(name) \(spec.name) has cap \(String(describing: cap))")
            }
        }
    }

    /// A bad value for one agent, with the reason the loader gives and, where it matters, the place it points at.
    @Test(arguments: [
        ("    temperature: 2.5\n", "bad.yaml:6:18: \"temperature\" must be a number from 0 to 2"),
        ("    temperature: warm\n", "\"temperature\" must be a number from 0 to 2"),
        ("    max_tokens: 0\n", "bad.yaml:6:17: \"max_tokens\" must be a whole number from 1 to 1000000"),
        ("    max_tokens: 1000001\n", "\"max_tokens\" must be a whole number from 1 to 1000000"),
        ("    seed: -1\n", "\"seed\" must be a whole number, 0 or more"),
        ("    stop: [a, b, c, d, e]\n", "bad.yaml:6:11: \"stop\" takes 1 to 4 sequences, not 5"),
        ("    stop: {end: yes}\n", "\"stop\" must be text or a list of up to 4 texts, e.g. [\"END\"]"),
        ("    stop: [END, \"\"]\n", "bad.yaml:6:17: \"stop\" items must be non-empty text"),
    ])
    func aBadAgentSettingIsRefusedWithItsReasonOnItsLine(fragment: String, expected: String) {
        let error = Self.error(Self.sequential(agent: fragment))
        #expect(error?.line == 6)
        #expect(expected.hasPrefix("bad.yaml:") ? error?.description == expected : error?.message == expected)
    }

    @Test func topPOutOfRangeIsRefused() {
        let error = Self.error(Self.sequential(top: "defaults:\n  top_p: 1.5\n"))
        #expect(error?.description == "bad.yaml:4:10: \"top_p\" must be a number from 0 to 1")
    }

    @Test func unknownKeyInDefaultsListsTheSettings() {
        let error = Self.error(Self.sequential(top: "defaults:\n  max_token: 5\n"))
        #expect(error?.line == 4)
        #expect(
            error?.message
                == "unknown key \"max_token\" in defaults; expected one of: max_tokens, seed, stop, temperature, top_p")
    }

    @Test func defaultsThatAreNotAMappingAreRefused() {
        let error = Self.error(Self.sequential(top: "defaults: 400\n"))
        #expect(error?.description == "bad.yaml:3:11: defaults must be a mapping of keys to values")
    }
}
