/* The private library of the private_lib test plugin. */
__attribute__((visibility("default"))) const char* nourish_test_private_helper(void) {
    return "hello from the private library";
}
