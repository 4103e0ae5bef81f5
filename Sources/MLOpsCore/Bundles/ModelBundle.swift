import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

/// `manifest.json` of a model bundle: what the model is and where it came from.
public struct BundleManifest: Codable, Sendable, Equatable {
    public static let formatName = "mlops-bundle"
    /// Version 2 may carry `profile.json`, the reference profile monitoring compares served data with.
    public static let currentFormatVersion = 2

    public var format: String
    public var formatVersion: Int
    /// The model's name and version in the exporting repository, when it was a registered version.
    public var name: String?
    public var version: Int?
    public var signature: Signature
    public var metrics: [String: Double]
    public var lineage: VersionLineage
    public var exported: Date
    /// Bundle file name → `sha256:<hex>` of its bytes (the model and, when there is one, the profile;
    /// `checksums.sha256` also covers this file).
    public var files: [String: String]

    /// The longest text a manifest field may hold.
    static let maximumTextLength = 4_096

    /// What is wrong with the manifest's texts, or nil: each is shown to people (`model show`, `history`), so
    /// none may hold control characters (a terminal would obey escape sequences) or run past a few kilobytes.
    func textProblem() -> String? {
        let texts =
            [name, lineage.origin, lineage.runId, lineage.gitCommit].compactMap { $0 } + metrics.keys
            + lineage.inputs.flatMap { [$0.path, $0.oid] + ($0.pointer.map { [$0] } ?? []) }
            + (lineage.recipe?.texts ?? [])
        for text in texts {
            if text.utf8.count > Self.maximumTextLength { return "a field holds \(text.utf8.count) bytes of text" }
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return "the field \(String(reflecting: String(text.prefix(40)))) holds control characters"
            }
        }
        return lineageProblem()
    }

    /// What is wrong with the lineage's paths and object ids, or nil: `reproduce` puts objects at those paths.
    /// A path is absolute (data read from outside the repository, which cannot be rebuilt) or stays inside it.
    private func lineageProblem() -> String? {
        let recipe = lineage.recipe
        let paths =
            lineage.inputs.map(\.path)
            + (recipe.map { [$0.data] + [$0.schema, $0.validation].compactMap { $0 } } ?? [])
        let pointers = lineage.inputs.compactMap(\.pointer)
        for path in paths + pointers where !path.hasPrefix("/") {
            guard let contained = WorkspacePath.contained(path), !contained.isEmpty else {
                return "the lineage names the path '\(path)', which is not a file inside the repository"
            }
        }
        if let pointer = pointers.first(where: { $0.hasPrefix("/") || !$0.hasSuffix(PointerFile.suffix) }) {
            return "the lineage names '\(pointer)' as a pointer file"
        }
        if let commit = lineage.gitCommit,
            ![40, 64].contains(commit.utf8.count)
                || !commit.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        {
            return "the lineage names '\(commit)' as a git commit, which is not a commit id"
        }
        if let recipe, let input = lineage.inputs.first(where: { $0.path == recipe.data }), input.oid != recipe.dataOid
        {
            return "the recipe and the lineage name different objects for '\(recipe.data)'"
        }
        let oids =
            lineage.inputs.map(\.oid)
            + (recipe.map { [$0.dataOid] + [$0.schemaOid, $0.validationOid].compactMap { $0 } } ?? [])
        if let oid = oids.first(where: { (try? ObjectID(parsing: $0)) == nil }) {
            return "the lineage names '\(oid)', which is not an object id"
        }
        return nil
    }
}

/// What `export --format bundle` wrote.
public struct BundleSummary: Codable, Sendable {
    public var output: String
    public var bytes: Int
    public var manifest: BundleManifest
}

extension Repository {
    static let bundleModel = "model.json"
    static let bundleManifest = "manifest.json"
    static let bundleChecksums = "checksums.sha256"
    static let bundleProfile = "profile.json"

    /// Writes a model (any reference) as a bundle: `model.json`, `manifest.json` (signature, metrics, lineage),
    /// `profile.json` (its reference profile, when it has one) and `checksums.sha256`, in a gzip-compressed tar written atomically. The same model gives the same bytes.
    public func exportBundle(_ reference: String, to output: String, workingDirectory: String) throws -> BundleSummary {
        let resolved = try resolveModel(reference)
        let modelBytes = Data(try store.read(try ObjectID(parsing: resolved.oid)))
        var metrics: [String: Double] = [:]
        var lineage = VersionLineage(origin: nil, runId: resolved.runId, gitCommit: nil, inputs: [])
        if let name = resolved.name, let number = resolved.version {
            let version = try registry.version(.version(name: name, version: number))
            metrics = version.metrics
            lineage = VersionLineage(
                origin: version.lineage?.origin ?? version.reference, runId: version.runId ?? version.lineage?.runId,
                gitCommit: version.gitCommit ?? version.lineage?.gitCommit, inputs: version.inputs,
                dirty: version.lineage?.dirty, recipe: version.lineage?.recipe)
        }
        if let runId = resolved.runId, let run = try? runs.run(runId) {
            if resolved.version == nil { metrics = run.metrics }
            lineage.gitCommit = run.git.commit
            lineage.inputs = run.inputs
            lineage.dirty = run.git.dirty
            // A recipe that is not here (a clone that pulled only the records) is left out, as the profile is.
            lineage.recipe = try? recipe(of: run)
        }
        lineage.profile = nil
        var files = [Self.bundleModel: resolved.oid]
        var contents = [(Self.bundleModel, modelBytes)]
        // A profile that is not here (not fetched) or damaged is left out: the model is what a bundle must carry.
        if let reference = try? referenceProfile(of: resolved),
            let bytes = try? store.read(try ObjectID(parsing: reference.oid))
        {
            files[Self.bundleProfile] = reference.oid
            contents.append((Self.bundleProfile, Data(bytes)))
        }
        let manifest = BundleManifest(
            format: BundleManifest.formatName,
            // Format 1 when there is no profile, so older mlops can still import it.
            formatVersion: files[Self.bundleProfile] == nil ? 1 : BundleManifest.currentFormatVersion,
            name: resolved.name,
            version: resolved.version, signature: resolved.model.signature, metrics: metrics, lineage: lineage,
            exported: Date(timeIntervalSince1970: 0), files: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        let manifestBytes = try encoder.encode(manifest)
        contents.append((Self.bundleManifest, manifestBytes))
        let checksums = contents.map { "\(ObjectID(hashing: Array($0.1)).hex)  \($0.0)\n" }.joined()
        let path = WorkspacePath.absolute(output, relativeTo: workingDirectory)
        try SafeOutput.require(path, given: output)
        try BundleArchive.write(contents + [(Self.bundleChecksums, Data(checksums.utf8))], to: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return BundleSummary(output: path, bytes: size, manifest: manifest)
    }

    /// Writes a model (any reference) as ONNX (see `ONNXExport`), atomically; returns the bytes written and
    /// what the reference resolved to.
    public func exportONNX(
        _ reference: String, to output: String, workingDirectory: String
    ) throws -> (bytes: Int, model: ResolvedModel) {
        let resolved = try resolveModel(reference)
        let bytes = try ONNXExport.encode(resolved.model, producerVersion: ToolVersion.current)
        let path = WorkspacePath.absolute(output, relativeTo: workingDirectory)
        try SafeOutput.require(path, given: output)
        try AtomicFile.write(bytes: bytes, to: path)
        return (bytes.count, resolved)
    }

    /// Registers the model of a bundle as the next version of `name` (default: its name in the bundle), with its
    /// lineage. The bundle is verified whole (``VerifiedBundle/read(_:given:consequence:)``) before anything is
    /// stored.
    public func importBundle(_ input: String, name: String?, workingDirectory: String) throws -> ModelVersion {
        let path = WorkspacePath.absolute(input, relativeTo: workingDirectory)
        let bundle = try VerifiedBundle.read(path, given: input, consequence: "nothing was imported")
        let manifest = bundle.manifest
        var lineage = manifest.lineage
        lineage.profile = bundle.profileOid
        guard let targetName = name ?? manifest.name else {
            throw MLOpsError(.usage, "the bundle names no model", hint: "give the name to register it under")
        }
        try ModelReference.validateName(targetName)

        let lock = try lock(for: "import")
        defer { withExtendedLifetime(lock) {} }
        try store.store(bundle.modelBytes)
        if let profileBytes = bundle.profileBytes { try store.store(profileBytes) }
        try store.synchronize()
        let version = try registry.register(
            RegistryStore.Draft(
                name: targetName, oid: bundle.modelOid, format: ModelFormat(of: bundle.model),
                source: "bundle:" + WorkspacePath.name(path),
                gitCommit: manifest.lineage.gitCommit, signature: bundle.model.signature, metrics: manifest.metrics,
                lineage: lineage))
        return try registry.version(.version(name: targetName, version: version.version))
    }
}
