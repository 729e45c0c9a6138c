/// The Herald release this binary was built from.
public enum HeraldVersion {
    public static let string = "0.1.0"
}
