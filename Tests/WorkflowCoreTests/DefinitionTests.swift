import Foundation
import Testing
@testable import WorkflowCore

@Suite("Workflow definitions")
struct DefinitionTests {
    @Test(arguments: PresetWorkflows.names)
    func everyPresetParsesAndBuilds(name: String) throws {
        let definition = try WorkflowDefinitionLoader.resolve(name)
        #expect(definition.name == name)
        let workflow = definition.build(client: ScriptedChatClient())
        #expect(workflow.participants.count >= 2)
    }

    @Test func researchWriterIsTheSample() throws {
        let definition = try WorkflowDefinitionLoader.resolve("research-writer")
        #expect(definition.kind == .sequential)
        #expect(definition.agents.map(\.name) == ["Researcher", "Writer"])
        #expect(definition.agents[0].instructions == "Research information using tools. Be brief.")
        #expect(definition.agents[0].tools == ["get_weather"])
        #expect(definition.agents[1].instructions == "Write creative content based on the research. Keep it short.")
    }

    /// The presets are embedded in the binary from workflows/*.yaml by scripts/embed-resources.
    @Test func embeddedPresetsMatchTheFilesInWorkflows() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("workflows")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(PresetWorkflows.names))
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(
                PresetWorkflows.yaml[String(file.dropLast(5))] == text.trimmingCharacters(in: .newlines),
                "\(file) differs from the embedded copy: run scripts/embed-resources")
        }
    }

    static func error(_ yaml: String) -> WorkflowDefinitionError? {
        do {
            _ = try WorkflowDefinitionLoader.parse(yaml, file: "bad.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownToolNamesFileLineAndTool() {
        let error = Self.error("""
            name: x
            kind: sequential
            agents:
              - name: A
                instructions: hi
                tools: [get_weather, get_wether]
            """)
        #expect(error?.description == "bad.yaml:6:26: unknown tool \"get_wether\" for A; available: get_weather, get_time, send_report")
    }

    @Test func unknownKeyIsReportedWithItsLine() {
        let error = Self.error("name: x\nkind: sequential\nagnets: []\n")
        #expect(error?.line == 3)
        #expect(error?.message.contains("unknown key \"agnets\"") == true)
    }

    @Test func unknownKindListsTheKinds() {
        let error = Self.error("name: x\nkind: pipeline\nagents:\n  - name: A\n    instructions: i\n")
        #expect(error?.line == 2)
        #expect(error?.message == "unknown kind \"pipeline\"; expected one of: sequential, group-chat, concurrent, handoff")
    }

    @Test func missingInstructionsPointAtTheAgent() {
        let error = Self.error("name: x\nkind: sequential\nagents:\n  - name: A\n")
        #expect(error?.line == 4)
        #expect(error?.message == "\"instructions\" is required")
    }

    @Test func invalidYAMLHasALine() {
        let error = Self.error("name: x\nkind: [unclosed\nagents: []\n")
        #expect(error?.line != nil)
        #expect(error?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func optionOfAnotherKindIsRefused() {
        let error = Self.error("name: x\nkind: sequential\nmax_rounds: 3\nagents:\n  - name: A\n    instructions: i\n")
        #expect(error?.line == 3)
        #expect(error?.message.contains("applies to group-chat") == true)
    }

    @Test func handoffToAStrangerIsRefused() {
        let error = Self.error("""
            name: x
            kind: handoff
            agents:
              - name: A
                instructions: i
                handoffs: [C]
              - name: B
                instructions: i
            """)
        #expect(error?.message == "A cannot hand off to \"C\": not another agent of this workflow")
        #expect(error?.line == 6)
    }

    @Test func duplicateAgentNamesAreRefused() {
        let error = Self.error("name: x\nkind: sequential\nagents:\n  - {name: A, instructions: i}\n  - {name: A, instructions: j}\n")
        #expect(error?.message == "two agents are named \"A\"")
        #expect(error?.line == 5)
    }

    @Test func unknownPresetListsThePresets() {
        #expect(throws: WorkflowDefinitionError.self) { try WorkflowDefinitionLoader.resolve("reserch-writer") }
        do {
            _ = try WorkflowDefinitionLoader.resolve("reserch-writer")
        } catch {
            #expect(error.message.contains("research-writer"))
        }
    }

    @Test func missingFileIsAClearError() {
        do {
            _ = try WorkflowDefinitionLoader.resolve("/nonexistent/flow.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.file == "/nonexistent/flow.yaml")
            #expect(error.message.hasPrefix("cannot read the file"))
        }
    }
}
