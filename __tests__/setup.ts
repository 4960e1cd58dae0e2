// Registers the cdktf Testing matchers; the import brings their types into every test.
import "cdktf/lib/testing/adapters/jest";
import { Testing } from "cdktf";

Testing.setupJest();
