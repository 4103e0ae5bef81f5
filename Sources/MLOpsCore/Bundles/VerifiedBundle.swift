import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

/// A model bundle read from a file and verified whole: every entry expected and no other, every checksum, the
/// manifest's format, texts, lineage and file ids, and the model's signature against the manifest's. What
/// `import`, `predict --bundle` and `serve --bundle` act on; nothing of a bundle is used before this passes.
public struct VerifiedBundle: Sendable {
    public let manifest: BundleManifest
    /// The model, decoded and checked against the manifest's signature.
    public let model: Model
    /// `sha256:<hex>` of `model.json`.
    public let modelOid: String
    public let modelBytes: [UInt8]
    /// The reference profile the bundle carries (format 2), and its id and bytes.
    public let profile: DataProfile?
    public let profileOid: String?
    public let profileBytes: [UInt8]?

    /// Reads and verifies the bundle at `path` (absolute; `given` is how the user named it). Throws `notFound`
    /// when there is no file there and `invalidInput` naming the first problem otherwise, with `consequence`
    /// (such as "nothing was imported") as the hint.
    public static func read(_ path: String, given: String, consequence: String) throws -> VerifiedBundle {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MLOpsError(.notFound, "no bundle '\(given)'", hint: "export one with `mlops export <model>`")
        }
        func refuse(_ why: String) -> MLOpsError {
            MLOpsError(.invalidInput, "refusing the bundle '\(given)': \(why)", hint: consequence)
        }
        let files = try BundleArchive.read(path, consequence: consequence)
        let expected: Set<String> = [
            Repository.bundleModel, Repository.bundleManifest, Repository.bundleChecksums,
        ]
        if let extra = files.keys.sorted().first(where: { !expected.contains($0) && $0 != Repository.bundleProfile }) {
            throw refuse("unexpected entry '\(extra)'")
        }
        guard let modelBytes = files[Repository.bundleModel], let manifestBytes = files[Repository.bundleManifest],
            let checksumBytes = files[Repository.bundleChecksums]
        else { throw refuse("it lacks \(expected.subtracting(files.keys).sorted().joined(separator: ", "))") }

        var listed: [String: String] = [:]
        for line in String(decoding: checksumBytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { throw refuse("checksums.sha256 is malformed") }
            listed[parts[1].trimmingCharacters(in: .whitespaces)] = String(parts[0])
        }
        let profileBytes = files[Repository.bundleProfile]
        let checked =
            [(Repository.bundleModel, modelBytes), (Repository.bundleManifest, manifestBytes)]
            + (profileBytes.map { [(Repository.bundleProfile, $0)] } ?? [])
        for (file, bytes) in checked {
            guard let sum = listed[file] else { throw refuse("checksums.sha256 does not list \(file)") }
            guard ObjectID(hashing: Array(bytes)).hex == sum else {
                throw refuse("\(file) does not match its checksum")
            }
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        let manifest: BundleManifest
        do {
            manifest = try decoder.decode(BundleManifest.self, from: manifestBytes)
        } catch {
            throw refuse("manifest.json is not a bundle manifest: \(ErrorDescription.describe(error))")
        }
        if let repeated = DuplicateJSONMembers.first(in: Array(manifestBytes)) {
            throw refuse("manifest.json gives the member '\(repeated)' twice in one object")
        }
        if let problem = manifest.textProblem() { throw refuse("manifest.json: \(problem)") }
        guard manifest.format == BundleManifest.formatName,
            (1...BundleManifest.currentFormatVersion).contains(manifest.formatVersion)
        else {
            throw refuse(
                "it is format \(manifest.format) \(manifest.formatVersion); this mlops reads \(BundleManifest.formatName) 1 to \(BundleManifest.currentFormatVersion)"
            )
        }
        let oid = ObjectID(hashing: Array(modelBytes))
        guard manifest.files[Repository.bundleModel] == oid.description else {
            throw refuse("model.json does not match the manifest")
        }
        if let name = manifest.name, (try? ModelReference.validateName(name)) == nil {
            throw refuse("manifest.json names the model '\(name)', which is not a model name")
        }
        if let version = manifest.version, !(1...Int(Int32.max)).contains(version) {
            throw refuse("manifest.json gives the version \(version)")
        }
        let model = try Model.decode(modelBytes, source: "\(given):model.json")
        guard model.signature == manifest.signature else { throw refuse("the manifest's signature is not the model's") }
        var profile: DataProfile?
        var profileOid: String?
        if let profileBytes {
            let profileID = ObjectID(hashing: Array(profileBytes))
            guard manifest.files[Repository.bundleProfile] == profileID.description else {
                throw refuse("profile.json does not match the manifest")
            }
            profile = try DataProfile.decode(profileBytes, source: "\(given):profile.json")
            profileOid = profileID.description
        } else if manifest.files[Repository.bundleProfile] != nil {
            throw refuse("the manifest lists profile.json, which the bundle lacks")
        }
        return VerifiedBundle(
            manifest: manifest, model: model, modelOid: oid.description, modelBytes: Array(modelBytes),
            profile: profile, profileOid: profileOid, profileBytes: profileBytes.map { Array($0) })
    }

    /// What the bundle's model is called where no name is given: its registered name, else the file's name
    /// without `.tar.gz` (or its last extension) when that is a valid model name, else `model`.
    public func name(fileName: String) -> String {
        if let name = manifest.name { return name }
        var stem = fileName
        for suffix in [".tar.gz", ".tgz"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count) }
        return (try? ModelReference.validateName(stem)) != nil ? stem : "model"
    }

    /// The data contract of the bundle's model, as ``Repository/contract(ofModel:tolerance:)`` gives a
    /// registered version's: its signature, and its profile's ranges, missing shares and categories when the
    /// bundle carries one.
    public func contract() -> DataContract {
        let schema = DataSchema.expected(
            by: model.signature, profile: profile, tolerance: DataContract.defaultTolerance)
        let basis = profile == nil ? "signature" : "signature and profile"
        return DataContract(schema: schema, name: "\(displayName) (\(basis))")
    }

    /// `name@version` as the bundle was registered, else `the bundle's model`.
    public var displayName: String {
        guard let name = manifest.name else { return "the bundle's model" }
        return manifest.version.map { "\(name)@\($0)" } ?? name
    }
}
