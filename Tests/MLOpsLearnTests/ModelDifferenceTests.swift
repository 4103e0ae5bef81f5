import MLOpsLearn
import Testing

@Suite struct ModelDifferenceTests {
    private func model(_ parameters: [String: String]) throws -> Model {
        let x = (0..<200).map { Double($0 % 37) }
        let y = x.map { $0 < 18 ? 1.0 : 7.0 }
        let table = try Table(columns: [Column(name: "x", numeric: x), Column(name: "y", numeric: y)])
        return try Training.train(TrainingRequest(table: table, target: "y", learner: .gbdt, parameters: parameters))
    }

    @Test func equalModelsHaveNoDifference() throws {
        #expect(try model(["rounds": "5"]).firstDifference(from: try model(["rounds": "5"])) == nil)
    }

    @Test func theFirstDifferenceNamesTheParameterThenTheTreesThenTheLeaf() throws {
        let five = try model(["rounds": "5"])
        let six = try model(["rounds": "6"])
        #expect(five.firstDifference(from: six) == "parameter rounds: 5 vs 6")

        var trees = five
        trees.trees?.trees.removeLast()
        #expect(five.firstDifference(from: trees) == "tree count: 5 vs 4")

        var leaf = five
        leaf.trees?.trees[2].leafValues[1] += 1e-12
        let difference = try #require(five.firstDifference(from: leaf))
        #expect(difference.hasPrefix("tree 2: leaf 1 value: "))
    }
}
